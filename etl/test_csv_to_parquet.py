"""Tests of the Glue job script with stand-ins for the awsglue, awsgluedq, pyspark and boto3 modules."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import csv_to_parquet as script  # noqa: E402
from glue_stand_ins import ARGS, FakeGlueContext, FakeJob, install_stand_ins, table  # noqa: E402


class HelperTests(unittest.TestCase):
    def test_dataset_of_a_table_location(self):
        self.assertEqual(script.dataset_of("s3://bucket/csv_data/sales/", "s3://bucket/csv_data/"), "sales")
        self.assertEqual(script.dataset_of("s3://bucket/csv_data/sales", "s3://bucket/csv_data"), "sales")
        self.assertEqual(script.dataset_of("s3a://bucket/csv_data/sales/2026/", "s3://bucket/csv_data/"), "sales")
        self.assertIsNone(script.dataset_of("s3://bucket/csv_data/", "s3://bucket/csv_data/"))
        self.assertIsNone(script.dataset_of("s3://bucket/parquet_data/sales/", "s3://bucket/csv_data/"))
        self.assertIsNone(script.dataset_of("s3://other/csv_data/sales/", "s3://bucket/csv_data/"))

    def test_column_names_made_athena_friendly(self):
        self.assertEqual(script.athena_name("Order Date"), "order_date")
        self.assertEqual(script.athena_name("unit.price ($)"), "unit_price")
        self.assertEqual(script.athena_name("  Total--Amount  "), "total_amount")
        self.assertEqual(script.athena_name("2026 total"), "_2026_total")
        self.assertEqual(script.athena_name("€€€", "col_3"), "col_3")

    def test_clashing_names_are_numbered_and_unchanged_names_left_alone(self):
        self.assertEqual(
            script.column_renames(["id", "Name", "name", "NAME ", ""]),
            [
                ("Name", "name"),
                ("name", "name_2"),
                ("NAME ", "name_3"),
                ("", "col_5"),
            ],
        )
        self.assertEqual(script.column_renames(["id", "amount"]), [])

    def test_field_paths_quote_dots(self):
        self.assertEqual(script.field_path("unit.price"), "`unit.price`")
        self.assertEqual(script.field_path("amount"), "amount")

    def test_choice_types_resolve_to_one_type(self):
        self.assertEqual(
            script.choice_specs({"qty": ["int", "long"], "amount": ["int", "double"], "code": ["int", "string"]}),
            [
                ("amount", "cast:double"),
                ("code", "cast:string"),
                ("qty", "cast:long"),
            ],
        )

    def test_key_columns_become_completeness_rules_where_the_dataset_has_them(self):
        base = "Rules = [\n    RowCount > 0\n]"
        self.assertEqual(
            script.dataset_ruleset(base, ["Order ID", "customer"], ["order_id", "total"]),
            'Rules = [\n    RowCount > 0,\n    IsComplete "order_id"\n]',
        )
        self.assertEqual(script.dataset_ruleset(base, ["Order ID"], ["id"]), base)
        self.assertEqual(script.dataset_ruleset("Rules = [ ]", ["id"], ["id"]), 'Rules = [\n    IsComplete "id"\n]')
        with self.assertRaises(ValueError):
            script.dataset_ruleset("RowCount > 0", ["id"], ["id"])

    def test_threshold(self):
        self.assertFalse(script.over_threshold(100, 10, 10))
        self.assertTrue(script.over_threshold(100, 11, 10))
        self.assertTrue(script.over_threshold(3, 1, 0))
        self.assertFalse(script.over_threshold(0, 0, 0))

    def test_paths(self):
        self.assertEqual(
            script.run_path("s3://b/quarantine", "sales", "jr_1", "failed_rules"),
            "s3://b/quarantine/sales/run=jr_1/failed_rules/",
        )

    def test_extra_fields_detected(self):
        self.assertTrue(script.has_values({"id": 1, "col4": "x"}, ["col4"]))
        self.assertFalse(script.has_values({"id": 1, "col4": None}, ["col4"]))
        self.assertFalse(script.has_values({"id": 1}, ["col4"]))


class JobTests(unittest.TestCase):
    def setUp(self):
        FakeGlueContext.instances.clear()
        FakeJob.instances.clear()
        self.datasets = {
            "sales": {
                "records": [
                    {"id": 1, "Order Date": "2026-11-20", "amount": 9.5},
                    {"id": 2, "Order Date": "2026-11-21", "amount": 12},
                ],
                "types": {"amount": ["int", "double"]},
            },
            "customers": {"records": []},
            "orders": {"records": [{"order_id": 1, "total": 3}, {"order_id": None, "total": 4}]},
        }
        self.pages = [
            {
                "TableList": [
                    table("sales", "s3://bucket/csv_data/sales/", ["id", "Order Date", "amount"]),
                    table("customers", "s3://bucket/csv_data/customers/", ["id"]),
                ]
            },
            {
                "TableList": [
                    table("orders", "s3://bucket/csv_data/orders/", ["order_id", "total"]),
                    table("stray", "s3://bucket/elsewhere/stray/", ["x"]),
                ]
            },
        ]
        self.args = dict(ARGS)
        self.ruleset = "Rules = [ RowCount > 0 ]"

    def run_job(self):
        stand_ins = install_stand_ins(self.pages, self.datasets, self.args, self.ruleset)
        error = None
        try:
            stand_ins.reports = script.main(["csv_to_parquet.py", "--JOB_NAME", ARGS["JOB_NAME"]])
        except RuntimeError as err:
            error = err
        stand_ins.error = error
        stand_ins.context = FakeGlueContext.instances[0]
        stand_ins.job = FakeJob.instances[0]
        return stand_ins

    def writes(self, run, kind):
        """What the job asked of Glue: reads, data quality evaluations, catalog sinks, or quarantine writes (json)."""
        calls = [dict(kw) for k, kw in run.context.calls if k == kind]
        for c in calls:
            if "connection_options" in c:
                c["path"] = c["connection_options"]["path"]
        return calls

    def test_parses_its_arguments_and_fetches_the_ruleset(self):
        run = self.run_job()
        self.assertEqual(run.resolved[0][1], script.REQUIRED_ARGS)
        self.assertEqual(run.job.inits, [(ARGS["JOB_NAME"], self.args)])
        self.assertEqual(run.glue.ruleset_calls, [{"Name": "lake-ruleset"}])

    def test_reads_every_raw_table_with_a_transformation_ctx_and_groups_small_files(self):
        run = self.run_job()
        self.assertEqual(run.glue.table_calls, [{"DatabaseName": "lake_raw"}])
        reads = self.writes(run, "read")
        self.assertEqual([r["table_name"] for r in reads], ["customers", "orders", "sales"])
        for r in reads:
            self.assertEqual(r["database"], "lake_raw")
            self.assertEqual(r["transformation_ctx"], "read_" + r["table_name"])
            self.assertEqual(
                r["additional_options"], {"groupFiles": "inPartition", "groupSize": str(128 * 1024 * 1024)}
            )

    def test_one_catalogued_snappy_parquet_write_per_dataset(self):
        self.args["max_quarantined_percent"] = "50"
        run = self.run_job()
        sinks = self.writes(run, "sink")
        self.assertEqual(
            [s["path"] for s in sinks], ["s3://bucket/parquet_data/orders/", "s3://bucket/parquet_data/sales/"]
        )
        for s in sinks:
            self.assertEqual(s["connection_type"], "s3")
            self.assertTrue(s["enableUpdateCatalog"])
            self.assertEqual(s["updateBehavior"], "UPDATE_IN_DATABASE")
            self.assertEqual(s["format"], ("glueparquet", {"compression": "snappy"}))
            self.assertEqual(s["catalog"]["catalogDatabase"], "lake_curated")
            self.assertTrue(s["transformation_ctx"].startswith("write_"))
        self.assertEqual([s["catalog"]["catalogTableName"] for s in sinks], ["orders", "sales"])

    def test_columns_normalised_and_choice_types_resolved_before_writing(self):
        run = self.run_job()
        sales = [s for s in self.writes(run, "sink") if s["path"].endswith("/sales/")][0]
        self.assertEqual(sales["frame"].columns(), ["id", "order_date", "amount"])
        self.assertEqual(sales["frame"].resolved, [("amount", "cast:double")])

    def test_rows_failing_the_ruleset_go_to_quarantine_and_are_reported(self):
        self.args["max_quarantined_percent"] = "50"
        run = self.run_job()
        orders = [s for s in self.writes(run, "sink") if s["path"].endswith("/orders/")][0]
        self.assertEqual([r["order_id"] for r in orders["frame"].records], [1])
        self.assertNotIn("DataQualityEvaluationResult", orders["frame"].columns())
        quarantined = self.writes(run, "json")
        self.assertEqual([q["path"] for q in quarantined], ["s3://bucket/quarantine/orders/run=jr_42/failed_rules/"])
        self.assertEqual(quarantined[0]["frame"].records[0]["DataQualityEvaluationResult"], "Failed")
        self.assertIsNone(run.error)
        self.assertEqual(len(run.sns), 1)
        self.assertIn("orders: 2 rows read, 1 written, 1 quarantined", run.sns[0]["Message"])
        self.assertEqual(run.sns[0]["TopicArn"], ARGS["topic_arn"])

    def test_a_dataset_over_the_threshold_is_not_written_and_the_run_fails_after_committing(self):
        run = self.run_job()  # orders: 1 of 2 rows fail, over the 10% default
        self.assertEqual([s["path"] for s in self.writes(run, "sink")], ["s3://bucket/parquet_data/sales/"])
        self.assertEqual(
            [q["path"] for q in self.writes(run, "json")], ["s3://bucket/quarantine/orders/run=jr_42/rejected/"]
        )
        self.assertIn("orders (data quality: 1 of 2 rows failed (limit 10%))", str(run.error))
        self.assertEqual(run.job.commits, 1)
        self.assertIn("NOT WRITTEN", run.sns[0]["Message"])

    def test_dq_evaluated_with_the_fetched_ruleset_and_published(self):
        run = self.run_job()
        evaluations = self.writes(run, "dq")
        self.assertEqual(
            [e["ruleset"] for e in evaluations], ['Rules = [ RowCount > 0,\n    IsComplete "order_id"\n]', self.ruleset]
        )
        self.assertEqual(evaluations[0]["publishing_options"]["dataQualityEvaluationContext"], "orders")
        self.assertTrue(evaluations[0]["publishing_options"]["enableDataQualityResultsPublishing"])

    def test_unparsable_records_and_over_long_rows_are_quarantined(self):
        self.datasets["sales"]["errors"] = [{"error": "unbalanced quote", "line": '3,"x'}]
        self.datasets["sales"]["records"].append({"id": 3, "Order Date": "2026-11-21", "amount": 1, "col3": "surplus"})
        self.args["max_quarantined_percent"] = "50"  # 1 of 3 sales rows is put aside
        run = self.run_job()
        paths = [q["path"] for q in self.writes(run, "json")]
        self.assertIn("s3://bucket/quarantine/sales/run=jr_42/unparsable/", paths)
        self.assertIn("s3://bucket/quarantine/sales/run=jr_42/too_many_fields/", paths)
        sales = [s for s in self.writes(run, "sink") if s["path"].endswith("/sales/")][0]
        self.assertEqual([r["id"] for r in sales["frame"].records], [1, 2])
        self.assertNotIn("col3", sales["frame"].columns())

    def test_partitioned_by_the_configured_column(self):
        self.args["partition_columns"] = json.dumps({"sales": "Order Date"})
        run = self.run_job()
        sales = [s for s in self.writes(run, "sink") if s["path"].endswith("/sales/")][0]
        self.assertEqual(sales["partitionKeys"], ["order_date"])
        orders = [s for s in self.writes(run, "sink") if s["path"].endswith("/orders/")]
        self.assertTrue(all(o["partitionKeys"] == [] for o in orders))

    def test_a_missing_partition_column_rejects_the_dataset_with_its_name(self):
        self.args["partition_columns"] = json.dumps({"sales": "day"})
        run = self.run_job()
        self.assertIn("partition column day is not a column of sales", str(run.error))
        self.assertIn("s3://bucket/quarantine/sales/run=jr_42/rejected/", [q["path"] for q in self.writes(run, "json")])

    def test_a_dataset_without_new_files_does_not_break_bookmarks(self):
        run = self.run_job()
        self.assertNotIn("s3://bucket/parquet_data/customers/", [s["path"] for s in self.writes(run, "sink")])
        self.assertTrue(any("no new rows for dataset customers" in line for line in run.context.logger.lines))
        self.assertEqual(run.job.commits, 1)

    def test_commits_once_with_no_tables_and_sends_nothing(self):
        self.pages = [{"TableList": []}]
        run = self.run_job()
        self.assertEqual(run.reports, [])
        self.assertEqual(run.job.commits, 1)
        self.assertEqual(run.sns, [])


if __name__ == "__main__":
    unittest.main()
