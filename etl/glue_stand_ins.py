"""Stand-ins for the awsglue, awsgluedq, pyspark and boto3 modules, recording what the job script asks of them.

Only the tests load this file; the job runs with Glue's own modules. A frame is a list of dict records; data quality
is evaluated for `IsComplete "column"` rules (a row fails when the column is empty) and passes `RowCount > 0`.
"""

import re
import sys
import types

ARGS = {
    "JOB_NAME": "csv-to-parquet-job",
    "JOB_RUN_ID": "jr_42",
    "database_name": "lake_raw",
    "curated_database_name": "lake_curated",
    "raw_path": "s3://bucket/csv_data/",
    "output_path": "s3://bucket/parquet_data/",
    "quarantine_path": "s3://bucket/quarantine/",
    "ruleset_name": "lake-ruleset",
    "key_columns": '["Order ID", "customer"]',
    "max_quarantined_percent": "10",
    "partition_columns": "{}",
    "topic_arn": "arn:aws:sns:eu-west-1:123456789012:alerts",
}


def table(name, location, columns):
    return {
        "Name": name,
        "StorageDescriptor": {"Location": location, "Columns": [{"Name": c, "Type": "string"} for c in columns]},
    }


class FakeType:
    def __init__(self, name, choices=()):
        self.name = name
        self.choices = {c: None for c in choices}

    def typeName(self):
        return self.name


class FakeField:
    def __init__(self, name, data_type):
        self.name, self.dataType = name, data_type


def unquote(path):
    return path[1:-1].replace("``", "`") if path.startswith("`") else path


class FakeFrame:
    def __init__(self, records, types_by_column=None, errors=(), order=None, resolved=()):
        self.records = [dict(r) for r in records]
        self.types = dict(types_by_column or {})
        self.errors = list(errors)
        self.order = list(order or [])
        self.resolved = list(resolved)
        for r in self.records:
            self.order += [k for k in r if k not in self.order]

    def derive(self, records, order=None, types_by_column=None, resolved=None):
        return FakeFrame(
            records,
            self.types if types_by_column is None else types_by_column,
            (),
            self.order if order is None else order,
            self.resolved if resolved is None else resolved,
        )

    def count(self):
        return len(self.records)

    def errorsCount(self):
        return len(self.errors)

    def errorsAsDynamicFrame(self):
        return FakeFrame(self.errors)

    def columns(self):
        return list(self.order)

    def schema(self):
        fields = [
            FakeField(c, FakeType("choice", self.types[c]) if c in self.types else FakeType("string"))
            for c in self.order
        ]
        return types.SimpleNamespace(fields=fields)

    def resolveChoice(self, specs):
        columns = {unquote(c) for c, _ in specs}
        return self.derive(
            self.records,
            types_by_column={c: t for c, t in self.types.items() if c not in columns},
            resolved=self.resolved + list(specs),
        )

    def rename_field(self, old, new):
        old = unquote(old)
        records = [{(new if k == old else k): v for k, v in r.items()} for r in self.records]
        return self.derive(records, order=[new if c == old else c for c in self.order])

    def filter(self, f):
        return self.derive([r for r in self.records if f(r)])

    def drop_fields(self, paths):
        gone = {unquote(p) for p in paths}
        return self.derive(
            [{k: v for k, v in r.items() if k not in gone} for r in self.records],
            order=[c for c in self.order if c not in gone],
        )

    def toDF(self):
        return types.SimpleNamespace(collect=lambda: list(self.records))


class FakeSink:
    def __init__(self, calls, options):
        self.entry = dict(options)
        calls.append(("sink", self.entry))

    def setFormat(self, name, **options):
        self.entry["format"] = (name, options)

    def setCatalogInfo(self, **info):
        self.entry["catalog"] = info

    def writeFrame(self, frame):
        self.entry["frame"] = frame


class FakeLogger:
    def __init__(self):
        self.lines = []

    def info(self, line):
        self.lines.append(line)


class FakeGlueContext:
    instances = []
    datasets = {}

    def __init__(self, spark_context):
        self.calls = []
        self.logger = FakeLogger()
        datasets, calls = FakeGlueContext.datasets, self.calls

        def from_catalog(**kwargs):
            calls.append(("read", kwargs))
            d = datasets[kwargs["table_name"]]
            return FakeFrame(d["records"], d.get("types"), d.get("errors", ()))

        def from_options(**kwargs):
            calls.append((kwargs["format"], kwargs))

        self.create_dynamic_frame = types.SimpleNamespace(from_catalog=from_catalog)
        self.write_dynamic_frame = types.SimpleNamespace(from_options=from_options)
        FakeGlueContext.instances.append(self)

    def get_logger(self):
        return self.logger

    def getSink(self, **options):
        return FakeSink(self.calls, options)


class FakeJob:
    instances = []

    def __init__(self, glue_context):
        self.inits, self.commits = [], 0
        FakeJob.instances.append(self)

    def init(self, name, args):
        self.inits.append((name, args))

    def commit(self):
        self.commits += 1


class EvaluateDataQuality:
    def process_rows(self, **kwargs):
        FakeGlueContext.instances[-1].calls.append(("dq", kwargs))
        complete = re.findall(r'IsComplete "([^"]+)"', kwargs["ruleset"])
        rows, failing = [], set()
        for r in kwargs["frame"].records:
            missing = [c for c in complete if r.get(c) in (None, "")]
            failing.update(missing)
            rows.append(
                dict(
                    r,
                    DataQualityRulesPass=[],
                    DataQualityRulesFail=missing,
                    DataQualityRulesSkip=[],
                    DataQualityEvaluationResult="Failed" if missing else "Passed",
                )
            )
        outcomes = [{"Rule": "RowCount > 0", "Outcome": "Passed" if rows else "Failed"}]
        outcomes += [
            {"Rule": 'IsComplete "%s"' % c, "Outcome": "Failed" if c in failing else "Passed"} for c in complete
        ]
        order = kwargs["frame"].order + [
            "DataQualityRulesPass",
            "DataQualityRulesFail",
            "DataQualityRulesSkip",
            "DataQualityEvaluationResult",
        ]
        return {"rowLevelOutcomes": kwargs["frame"].derive(rows, order=order), "ruleOutcomes": FakeFrame(outcomes)}


class SelectFromCollection:
    @staticmethod
    def apply(dfc, key, transformation_ctx=""):
        return dfc[key]


class FakeGlueClient:
    def __init__(self, pages, ruleset):
        self.pages, self.ruleset = pages, ruleset
        self.table_calls, self.ruleset_calls = [], []

    def get_paginator(self, name):
        assert name == "get_tables", name
        client = self

        class Paginator:
            def paginate(self, **kwargs):
                client.table_calls.append(kwargs)
                return iter(client.pages)

        return Paginator()

    def get_data_quality_ruleset(self, **kwargs):
        self.ruleset_calls.append(kwargs)
        return {"Name": kwargs["Name"], "Ruleset": self.ruleset}


def install_stand_ins(pages, datasets, args, ruleset):
    """Puts the stand-in modules in sys.modules; returns what they record (glue client, SNS messages, options asked)."""
    recorded = types.SimpleNamespace(glue=FakeGlueClient(pages, ruleset), sns=[], resolved=[])
    FakeGlueContext.datasets = datasets

    def get_resolved_options(argv, names):
        recorded.resolved.append((argv, names))
        return dict(args)

    def client(service):
        if service == "glue":
            return recorded.glue
        return types.SimpleNamespace(publish=lambda **kwargs: recorded.sns.append(kwargs))

    modules = {
        name: types.ModuleType(name)
        for name in [
            "awsglue",
            "awsglue.utils",
            "awsglue.context",
            "awsglue.job",
            "awsglue.transforms",
            "awsgluedq",
            "awsgluedq.transforms",
            "pyspark",
            "pyspark.context",
            "boto3",
        ]
    }
    modules["awsglue"].transforms = modules["awsglue.transforms"]
    modules["awsgluedq"].transforms = modules["awsgluedq.transforms"]
    modules["awsglue.utils"].getResolvedOptions = get_resolved_options
    modules["awsglue.context"].GlueContext = FakeGlueContext
    modules["awsglue.job"].Job = FakeJob
    modules["awsglue.transforms"].SelectFromCollection = SelectFromCollection
    modules["awsgluedq.transforms"].EvaluateDataQuality = EvaluateDataQuality
    modules["pyspark.context"].SparkContext = types.SimpleNamespace(getOrCreate=lambda: "spark-context")
    modules["boto3"].client = client
    sys.modules.update(modules)
    return recorded
