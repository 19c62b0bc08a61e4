"""Tests of the Glue job script with stand-ins for the awsglue, pyspark and boto3 modules (none installed here)."""
import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import csv_to_parquet as script  # noqa: E402


class FakeFrame:
    def __init__(self, rows):
        self.rows = rows

    def count(self):
        return self.rows


class FakeCatalogReader:
    def __init__(self, rows_by_table, calls):
        self.rows_by_table = rows_by_table
        self.calls = calls

    def from_catalog(self, **kwargs):
        self.calls.append(("read", kwargs))
        return FakeFrame(self.rows_by_table[kwargs["table_name"]])


class FakeWriter:
    def __init__(self, calls):
        self.calls = calls

    def from_options(self, **kwargs):
        self.calls.append(("write", kwargs))


class FakeLogger:
    def __init__(self):
        self.lines = []

    def info(self, line):
        self.lines.append(line)


class FakeGlueContext:
    instances = []

    def __init__(self, spark_context, rows_by_table=None):
        self.calls = []
        self.logger = FakeLogger()
        self.create_dynamic_frame = FakeCatalogReader(FakeGlueContext.rows_by_table, self.calls)
        self.write_dynamic_frame = FakeWriter(self.calls)
        FakeGlueContext.instances.append(self)

    def get_logger(self):
        return self.logger


class FakeJob:
    instances = []

    def __init__(self, glue_context):
        self.inits = []
        self.commits = 0
        FakeJob.instances.append(self)

    def init(self, name, args):
        self.inits.append((name, args))

    def commit(self):
        self.commits += 1


class FakePaginator:
    def __init__(self, pages, calls):
        self.pages = pages
        self.calls = calls

    def paginate(self, **kwargs):
        self.calls.append(kwargs)
        return iter(self.pages)


class FakeGlueClient:
    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def get_paginator(self, name):
        assert name == "get_tables", name
        return FakePaginator(self.pages, self.calls)


def table(name, location):
    return {"Name": name, "StorageDescriptor": {"Location": location}}


ARGS = {
    "JOB_NAME": "csv-to-parquet-job",
    "database_name": "lake_raw",
    "raw_path": "s3://bucket/csv_data/",
    "output_path": "s3://bucket/parquet_data/",
}


def install_stand_ins(pages, resolved=None):
    """Puts stand-in awsglue/pyspark/boto3 modules in sys.modules; returns the fake boto3 Glue client."""
    client = FakeGlueClient(pages)
    resolved_calls = []

    def get_resolved_options(argv, names):
        resolved_calls.append((argv, names))
        return dict(resolved or ARGS)

    modules = {
        "awsglue": types.ModuleType("awsglue"),
        "awsglue.utils": types.ModuleType("awsglue.utils"),
        "awsglue.context": types.ModuleType("awsglue.context"),
        "awsglue.job": types.ModuleType("awsglue.job"),
        "pyspark": types.ModuleType("pyspark"),
        "pyspark.context": types.ModuleType("pyspark.context"),
        "boto3": types.ModuleType("boto3"),
    }
    modules["awsglue.utils"].getResolvedOptions = get_resolved_options
    modules["awsglue.context"].GlueContext = FakeGlueContext
    modules["awsglue.job"].Job = FakeJob
    modules["pyspark.context"].SparkContext = types.SimpleNamespace(getOrCreate=lambda: "spark-context")
    modules["boto3"].client = lambda service: client if service == "glue" else None
    sys.modules.update(modules)
    return client, resolved_calls


class HelperTests(unittest.TestCase):
    def test_dataset_of_a_table_location(self):
        self.assertEqual(script.dataset_of("s3://bucket/csv_data/sales/", "s3://bucket/csv_data/"), "sales")
        self.assertEqual(script.dataset_of("s3://bucket/csv_data/sales", "s3://bucket/csv_data"), "sales")
        self.assertEqual(script.dataset_of("s3a://bucket/csv_data/sales/2026/", "s3://bucket/csv_data/"), "sales")
        self.assertIsNone(script.dataset_of("s3://bucket/csv_data/", "s3://bucket/csv_data/"))
        self.assertIsNone(script.dataset_of("s3://bucket/parquet_data/sales/", "s3://bucket/csv_data/"))
        self.assertIsNone(script.dataset_of("s3://other/csv_data/sales/", "s3://bucket/csv_data/"))

    def test_output_path_per_dataset(self):
        self.assertEqual(script.output_path_for("s3://bucket/parquet_data", "sales"), "s3://bucket/parquet_data/sales/")


class JobTests(unittest.TestCase):
    def setUp(self):
        FakeGlueContext.instances.clear()
        FakeJob.instances.clear()
        FakeGlueContext.rows_by_table = {"sales": 10, "customers": 0, "orders": 3}
        self.pages = [
            {"TableList": [table("sales", "s3://bucket/csv_data/sales/"), table("customers", "s3://bucket/csv_data/customers/")]},
            {"TableList": [table("orders", "s3://bucket/csv_data/orders/"), table("stray", "s3://bucket/elsewhere/stray/")]},
        ]

    def run_job(self):
        client, resolved = install_stand_ins(self.pages)
        written = script.main(["csv_to_parquet.py", "--JOB_NAME", "csv-to-parquet-job"])
        return written, client, resolved, FakeGlueContext.instances[0], FakeJob.instances[0]

    def test_parses_its_arguments(self):
        _, _, resolved, _, job = self.run_job()
        self.assertEqual(resolved[0][1], ["JOB_NAME", "database_name", "raw_path", "output_path"])
        self.assertEqual(job.inits, [("csv-to-parquet-job", ARGS)])

    def test_reads_every_raw_table_of_the_database_with_a_transformation_ctx(self):
        _, client, _, context, _ = self.run_job()
        self.assertEqual(client.calls, [{"DatabaseName": "lake_raw"}])
        reads = [kwargs for kind, kwargs in context.calls if kind == "read"]
        self.assertEqual(reads, [
            {"database": "lake_raw", "table_name": name, "transformation_ctx": "read_" + name}
            for name in ["customers", "orders", "sales"]
        ])

    def test_writes_snappy_parquet_once_per_dataset_with_new_rows(self):
        written, _, _, context, _ = self.run_job()
        writes = [kwargs for kind, kwargs in context.calls if kind == "write"]
        self.assertEqual(written, ["orders", "sales"])
        self.assertEqual([w["connection_options"] for w in writes], [
            {"path": "s3://bucket/parquet_data/orders/"}, {"path": "s3://bucket/parquet_data/sales/"},
        ])
        for w in writes:
            self.assertEqual(w["connection_type"], "s3")
            self.assertEqual(w["format"], "glueparquet")
            self.assertEqual(w["format_options"], {"compression": "snappy"})
            self.assertTrue(w["transformation_ctx"].startswith("write_"))

    def test_a_dataset_without_new_files_is_skipped_and_bookmarks_still_commit_once(self):
        _, _, _, context, job = self.run_job()
        self.assertNotIn("s3://bucket/parquet_data/customers/", [kw.get("connection_options", {}).get("path") for _, kw in context.calls])
        self.assertTrue(any("no new files for dataset customers" in line for line in context.logger.lines))
        self.assertEqual(job.commits, 1)

    def test_commits_once_even_with_no_tables(self):
        self.pages = [{"TableList": []}]
        written, _, _, context, job = self.run_job()
        self.assertEqual(written, [])
        self.assertEqual(context.calls, [])
        self.assertEqual(job.commits, 1)


if __name__ == "__main__":
    unittest.main()
