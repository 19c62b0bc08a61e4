"""Glue job: converts every CSV table the crawler catalogued to snappy Parquet, catalogued for Athena.

Each table of the raw database is one dataset (a folder under the raw prefix). For each dataset the job reads the
files added since its last successful run (a bookmark per dataset through its own transformation_ctx), puts aside
records Glue could not parse, resolves ambiguous column types, gives the columns Athena-friendly names, evaluates
the data quality ruleset row by row, writes the passing rows as Parquet through a catalog-updating sink (one table
per dataset in the curated database, optionally partitioned) and the failing rows under the quarantine prefix.
A dataset whose share of failing rows is over the threshold is not written at all: all its rows go to quarantine,
the run ends FAILED with the reason, and the owners get the job's failure email. Bookmarks are committed once.

Job arguments: --JOB_NAME and --JOB_RUN_ID (set by Glue), --database_name, --curated_database_name, --raw_path,
--output_path, --quarantine_path, --ruleset_name, --key_columns (JSON list), --max_quarantined_percent,
--partition_columns (JSON object:
dataset -> column), --topic_arn (where the run's data quality summary is published when rows were quarantined).
"""

import json
import re
import sys

REQUIRED_ARGS = [
    "JOB_NAME",
    "JOB_RUN_ID",
    "database_name",
    "curated_database_name",
    "raw_path",
    "output_path",
    "quarantine_path",
    "ruleset_name",
    "key_columns",
    "max_quarantined_percent",
    "partition_columns",
    "topic_arn",
]
# Small CSV files are read together in groups of about this many bytes (Glue's groupFiles/groupSize).
GROUP_SIZE_BYTES = 128 * 1024 * 1024
# Columns the row-level data quality evaluation adds to each record.
DQ_COLUMNS = ["DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip", "DataQualityEvaluationResult"]
NUMERIC_TYPES = {"byte", "short", "int", "integer", "long", "float", "double", "decimal"}
INTEGRAL_TYPES = {"byte", "short", "int", "integer", "long"}


def normalise_s3_uri(uri):
    """'s3://b/csv_data' and 's3a://b/csv_data/' both become 's3://b/csv_data/'."""
    uri = re.sub(r"^s3[an]?://", "s3://", uri.strip())
    return uri if uri.endswith("/") else uri + "/"


def dataset_of(location, raw_path):
    """The dataset folder of a table location under the raw path, or None when it is not under it."""
    location, raw_path = normalise_s3_uri(location), normalise_s3_uri(raw_path)
    if not location.startswith(raw_path) or location == raw_path:
        return None
    return location[len(raw_path) :].split("/")[0]


def athena_name(name, fallback="col"):
    """A name Athena accepts without quoting: lower case letters, digits and '_' ('Order Date' -> 'order_date')."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    cleaned = re.sub(r"_+", "_", cleaned)
    if not cleaned:
        cleaned = fallback
    return "_" + cleaned if cleaned[0].isdigit() else cleaned


def column_renames(names):
    """(old, new) for every column whose Athena name differs; clashing names get _2, _3... in column order."""
    taken, renames = set(), []
    for index, name in enumerate(names):
        base = athena_name(name, "col_%d" % (index + 1))
        new, n = base, 1
        while new in taken:
            n += 1
            new = "%s_%d" % (base, n)
        taken.add(new)
        if new != name:
            renames.append((name, new))
    return renames


def field_path(name):
    """A DynamicFrame field path for a top-level column: names with dots or backticks are quoted."""
    return "`%s`" % name.replace("`", "``") if re.search(r"[.`]", name) else name


def choice_specs(choices):
    """resolveChoice specs for columns whose values came in several types: all numeric -> one number type, else string.

    `choices` maps a column to the type names Glue saw ({'amount': ['int', 'double']}).
    """
    specs = []
    for column, types in sorted(choices.items()):
        kinds = {t.lower() for t in types}
        if kinds <= INTEGRAL_TYPES:
            target = "long"
        elif kinds <= NUMERIC_TYPES:
            target = "double"
        else:
            target = "string"
        specs.append((field_path(column), "cast:" + target))
    return specs


def dataset_ruleset(ruleset, key_columns, columns):
    """The pipeline's DQDL ruleset plus `IsComplete` for each configured key column this dataset has.

    The pipeline's rules apply to every dataset; key columns apply where present, so datasets may differ.
    """
    extra = ['IsComplete "%s"' % k for k in (athena_name(c) for c in key_columns) if k in columns]
    if not extra:
        return ruleset
    body = ruleset.rstrip()
    if not body.endswith("]"):
        raise ValueError("the data quality ruleset must be a DQDL 'Rules = [ ... ]' list")
    head = body[:-1].rstrip()
    joiner = "\n    " if head.endswith("[") else ",\n    "
    return head + joiner + ",\n    ".join(extra) + "\n]"


def over_threshold(total_rows, failed_rows, max_percent):
    """True when the failing rows are more than max_percent of the rows read."""
    return total_rows > 0 and failed_rows * 100.0 > max_percent * total_rows


def run_path(base, dataset, run_id, kind):
    """s3://bucket/quarantine/<dataset>/run=<job run id>/<kind>/"""
    return "%s%s/run=%s/%s/" % (normalise_s3_uri(base), dataset, run_id, kind)


def raw_tables(glue_client, database_name, raw_path):
    """(table name, dataset, header columns) of each catalogued table under the raw path, sorted by name."""
    tables = []
    for page in glue_client.get_paginator("get_tables").paginate(DatabaseName=database_name):
        for table in page.get("TableList", []):
            descriptor = table.get("StorageDescriptor", {})
            dataset = dataset_of(descriptor.get("Location", ""), raw_path) if descriptor.get("Location") else None
            if dataset:
                columns = [c["Name"] for c in descriptor.get("Columns", [])]
                tables.append((table["Name"], dataset, columns))
    return sorted(tables)


def has_values(record, columns):
    """True when the record holds a non-empty value in any of the columns (extra fields of an over-long row)."""
    for column in columns:
        try:
            value = record[column]
        except (KeyError, IndexError):
            continue
        if value not in (None, ""):
            return True
    return False


def passed_quality(record):
    return record["DataQualityEvaluationResult"] == "Passed"


def summary(reports, run_id):
    """The text the owners receive: one line per dataset with what was written and what was put aside."""
    lines = ["Job run %s:" % run_id]
    for r in reports:
        line = (
            "- %(dataset)s: %(read)d rows read, %(written)d written, %(quarantined)d quarantined, "
            "%(unparsable)d unparsable" % r
        )
        if r["failed_rules"]:
            line += "; failed rules: " + "; ".join(r["failed_rules"])
        if r["error"]:
            line += "; NOT WRITTEN: " + r["error"]
        lines.append(line)
    return "\n".join(lines)


class Converter:
    """Converts one dataset at a time; `dq` holds the awsgluedq/awsglue classes (imported in main)."""

    def __init__(self, glue_context, args, ruleset, dq, log):
        self.ctx, self.args, self.ruleset, self.dq, self.log = glue_context, args, ruleset, dq, log
        self.partitions = json.loads(args["partition_columns"] or "{}")
        self.max_percent = float(args["max_quarantined_percent"])
        self.key_columns = [c for c in json.loads(args["key_columns"] or "[]") if c.strip()]

    def quarantine(self, frame, dataset, kind):
        path = run_path(self.args["quarantine_path"], dataset, self.args["JOB_RUN_ID"], kind)
        self.ctx.write_dynamic_frame.from_options(
            frame=frame, connection_type="s3", connection_options={"path": path}, format="json"
        )
        return path

    def convert(self, table_name, dataset, header):
        report = {
            "dataset": dataset,
            "read": 0,
            "written": 0,
            "quarantined": 0,
            "unparsable": 0,
            "failed_rules": [],
            "error": None,
        }
        frame = self.ctx.create_dynamic_frame.from_catalog(
            database=self.args["database_name"],
            table_name=table_name,
            transformation_ctx="read_" + table_name,
            additional_options={"groupFiles": "inPartition", "groupSize": str(GROUP_SIZE_BYTES)},
        )
        report["unparsable"] = frame.errorsCount()
        if report["unparsable"]:
            self.quarantine(frame.errorsAsDynamicFrame(), dataset, "unparsable")
        report["read"] = frame.count()
        if report["read"] == 0:
            self.log("no new rows for dataset %s" % dataset)
            return report
        fields = frame.schema().fields
        extras = [f.name for f in fields if header and f.name not in header]
        if extras:
            too_long = frame.filter(lambda r: has_values(r, extras))
            report["quarantined"] += too_long.count()
            if report["quarantined"]:
                self.quarantine(too_long, dataset, "too_many_fields")
            frame = frame.filter(lambda r: not has_values(r, extras)).drop_fields([field_path(c) for c in extras])
            fields = frame.schema().fields
        choices = {f.name: list(f.dataType.choices.keys()) for f in fields if f.dataType.typeName() == "choice"}
        if choices:
            frame = frame.resolveChoice(specs=choice_specs(choices))
        renames = dict(column_renames([f.name for f in fields]))
        for old, new in renames.items():
            frame = frame.rename_field(field_path(old), new)
        columns = [renames.get(f.name, f.name) for f in fields]
        partition = self.partitions.get(dataset)
        if partition and athena_name(partition) not in columns:
            report["error"] = "partition column %s is not a column of %s" % (partition, dataset)
            report["quarantined"] += frame.count()
            self.quarantine(frame, dataset, "rejected")
            return report

        results = self.dq.EvaluateDataQuality().process_rows(
            frame=frame,
            ruleset=dataset_ruleset(self.ruleset, self.key_columns, columns),
            publishing_options={
                "dataQualityEvaluationContext": athena_name(dataset),
                "enableDataQualityCloudWatchMetrics": True,
                "enableDataQualityResultsPublishing": True,
            },
            additional_options={"performanceTuning.caching": "CACHE_NOTHING"},
        )
        rows = self.dq.SelectFromCollection.apply(
            dfc=results, key="rowLevelOutcomes", transformation_ctx="dq_rows_" + table_name
        )
        outcomes = self.dq.SelectFromCollection.apply(
            dfc=results, key="ruleOutcomes", transformation_ctx="dq_rules_" + table_name
        )
        report["failed_rules"] = [r["Rule"] for r in outcomes.toDF().collect() if r["Outcome"] != "Passed"]
        failed = rows.filter(lambda r: not passed_quality(r))
        failed_count = failed.count()
        total = report["read"]
        if over_threshold(total, report["quarantined"] + failed_count, self.max_percent) or (
            report["failed_rules"] and failed_count == 0
        ):
            report["error"] = "data quality: %d of %d rows failed (limit %s%%)%s" % (
                report["quarantined"] + failed_count,
                total,
                self.args["max_quarantined_percent"],
                "" if failed_count else ", a dataset-level rule failed",
            )
            report["quarantined"] = total
            self.quarantine(rows, dataset, "rejected")
            return report
        if failed_count:
            report["quarantined"] += failed_count
            self.quarantine(failed, dataset, "failed_rules")
        passed = rows.filter(passed_quality).drop_fields(DQ_COLUMNS)
        sink = self.ctx.getSink(
            connection_type="s3",
            path=normalise_s3_uri(self.args["output_path"]) + dataset + "/",
            enableUpdateCatalog=True,
            updateBehavior="UPDATE_IN_DATABASE",
            partitionKeys=[athena_name(partition)] if partition else [],
            transformation_ctx="write_" + table_name,
        )
        sink.setFormat("glueparquet", compression="snappy")
        sink.setCatalogInfo(catalogDatabase=self.args["curated_database_name"], catalogTableName=athena_name(dataset))
        sink.writeFrame(passed)
        report["written"] = total - report["quarantined"]
        return report


def main(argv):
    import awsglue.transforms
    import awsgluedq.transforms
    import boto3
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    class DQ:
        EvaluateDataQuality = awsgluedq.transforms.EvaluateDataQuality
        SelectFromCollection = awsglue.transforms.SelectFromCollection

    args = getResolvedOptions(argv, REQUIRED_ARGS)
    glue_context = GlueContext(SparkContext.getOrCreate())
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    glue = boto3.client("glue")
    ruleset = glue.get_data_quality_ruleset(Name=args["ruleset_name"])["Ruleset"]
    converter = Converter(glue_context, args, ruleset, DQ, logger.info)
    reports = [
        converter.convert(name, dataset, header)
        for name, dataset, header in raw_tables(glue, args["database_name"], args["raw_path"])
    ]
    text = summary(reports, args["JOB_RUN_ID"])
    logger.info(text)
    job.commit()
    if any(r["quarantined"] or r["unparsable"] or r["error"] for r in reports):
        boto3.client("sns").publish(
            TopicArn=args["topic_arn"], Subject="Data quality report of %s" % args["JOB_NAME"][:60], Message=text
        )
    failures = [r for r in reports if r["error"]]
    if failures:
        raise RuntimeError(
            "Datasets not written: "
            + "; ".join("%s (%s)" % (r["dataset"], r["error"]) for r in failures)
            + ". Their rows are under "
            + normalise_s3_uri(args["quarantine_path"])
        )
    return reports


if __name__ == "__main__":
    main(sys.argv)
