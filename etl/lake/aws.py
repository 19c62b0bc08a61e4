"""The Glue job's ports: uploads listed in S3, the ledger as one S3 object per dataset, the curated table in the
Glue Data Catalog as the contract, and Glue Data Quality. boto3 clients are passed in (moto in the tests)."""

import io
import json
import re
from typing import IO
from urllib.parse import unquote

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .names import athena_name
from .ports import QUALITY, Column, Contract, Upload
from .publish import DictLedger

HEADER_BYTES = 1024 * 1024  # a header record longer than this is read as cut off
PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "Parameters": {"serialization.format": "1"},
    },
}


class S3Source:
    """The CSV uploads under the raw prefix: s3://bucket/<raw prefix><dataset>/…/<name>.csv (any case of .csv)."""

    def __init__(self, s3, bucket: str, raw_prefix: str, uri_of=None):
        self.s3, self.bucket, self.raw_prefix = s3, bucket, raw_prefix
        # Where Spark reads an object: s3:// in Glue (EMRFS); the tests map it to a local copy.
        self.uri_of = uri_of or (lambda key: "s3://%s/%s" % (bucket, key))

    def uploads(self) -> dict[str, list[Upload]]:
        datasets: dict[str, list[Upload]] = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.raw_prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                parts = key[len(self.raw_prefix) :].split("/")
                if len(parts) < 2 or not parts[0] or not key.lower().endswith(".csv"):
                    continue
                version = item["ETag"].strip('"')
                datasets.setdefault(parts[0], []).append(
                    Upload(parts[0], key, self.uri_of(key), version, int(item["Size"]))
                )
        return {name: sorted(uploads, key=lambda u: u.key) for name, uploads in sorted(datasets.items())}

    def open_text(self, upload: Upload) -> IO[str]:
        if upload.size == 0:
            return io.StringIO("")
        body = self.s3.get_object(Bucket=self.bucket, Key=upload.key, Range="bytes=0-%d" % (HEADER_BYTES - 1))["Body"]
        return io.StringIO(body.read().decode("utf-8-sig"), newline="")


class S3Ledger(DictLedger):
    """What was converted, per dataset, in s3://bucket/<prefix><dataset>.json, read once per run and written after
    every change (the job runs one at a time, so nothing else writes it meanwhile)."""

    def __init__(self, s3, bucket: str, prefix: str):
        self.s3, self.bucket, self.prefix = s3, bucket, prefix
        self.loaded: dict[str, dict] = {}

    def _key(self, dataset: str) -> str:
        return "%s%s.json" % (self.prefix, dataset)

    def _entry(self, dataset: str) -> dict:
        if dataset not in self.loaded:
            # Listed first: S3 answers a GET of a missing key with 403 rather than 404 to a caller it does not find
            # allowed s3:ListBucket (S3 API reference, GetObject, "Permissions"); this role may list only under
            # given prefixes, so a listing of the ledger's own key is the check that holds.
            key = self._key(dataset)
            found = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=key, MaxKeys=1).get("Contents", [])
            exists = found and found[0]["Key"] == key
            self.loaded[dataset] = (
                json.loads(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
                if exists
                else {"converted": {}, "planned": {}}
            )
        return self.loaded[dataset]

    def _save(self, dataset: str) -> None:
        body = json.dumps(self.loaded[dataset], indent=1, sort_keys=True).encode("utf-8")
        self.s3.put_object(Bucket=self.bucket, Key=self._key(dataset), Body=body, ContentType="application/json")


class GlueCatalog:
    """The curated table of each dataset: its columns are the contract; its partitions are registered as written."""

    def __init__(self, glue, database: str, location_of):
        self.glue, self.database, self.location_of = glue, database, location_of

    def _table(self, dataset: str) -> dict | None:
        try:
            return self.glue.get_table(DatabaseName=self.database, Name=athena_name(dataset, 0))["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None

    def contract(self, dataset: str) -> Contract | None:
        table = self._table(dataset)
        if table is None:
            return None
        columns = [Column(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
        keys = [Column(c["Name"], c["Type"]) for c in table.get("PartitionKeys", [])]
        return Contract(tuple(columns + keys), keys[0].name if keys else None)

    def save_contract(self, dataset: str, contract: Contract) -> None:
        columns = [{"Name": c.name, "Type": c.type} for c in contract.columns if c.name != contract.partition]
        keys = [{"Name": c.name, "Type": c.type} for c in contract.columns if c.name == contract.partition]
        table = {
            "Name": athena_name(dataset, 0),
            "Description": "Parquet of the CSV uploads of dataset %s, kept by the conversion job" % dataset,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE"},
            "PartitionKeys": keys,
            "StorageDescriptor": {"Columns": columns, "Location": self.location_of(dataset), **PARQUET},
        }
        if self._table(dataset) is None:
            self.glue.create_table(DatabaseName=self.database, TableInput=table)
        else:
            self.glue.update_table(DatabaseName=self.database, TableInput=table)

    def add_partitions(self, dataset: str, outputs: list[str]) -> int:
        """Registers the partition folders of the objects written ('…/<col>=<value>/x.parquet'); returns how many
        were new. A partition that exists already is not an error."""
        contract = self.contract(dataset)
        if contract is None or contract.partition is None:
            return 0
        folders = sorted(
            {m.group(1) for m in (re.search(r"/(%s=[^/]+)/[^/]+$" % contract.partition, o) for o in outputs) if m}
        )
        created = 0
        for start in range(0, len(folders), 100):  # BatchCreatePartition takes at most 100
            chunk = folders[start : start + 100]
            inputs = [
                {
                    "Values": [unquote(folder.split("=", 1)[1])],
                    "StorageDescriptor": {"Location": "%s%s/" % (self.location_of(dataset), folder), **PARQUET},
                }
                for folder in chunk
            ]
            answer = self.glue.batch_create_partition(
                DatabaseName=self.database, TableName=athena_name(dataset, 0), PartitionInputList=inputs
            )
            errors = [
                e for e in answer.get("Errors", []) if e["ErrorDetail"].get("ErrorCode") != "AlreadyExistsException"
            ]
            if errors:
                raise RuntimeError("could not register partitions of %s: %s" % (dataset, errors))
            created += len(chunk) - len(answer.get("Errors", []))
        return created


# Columns Glue Data Quality's row-level outcomes add to each row ("Data Quality for ETL jobs in AWS Glue Studio
# notebooks": DataQualityRulesPass/Fail/Skip are lists of rules, DataQualityEvaluationResult "Passed" or "Failed").
DQ_COLUMNS = ("DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip", "DataQualityEvaluationResult")


class GlueQuality:
    """The Quality port on Glue Data Quality: the stack's DQDL rules evaluated on each dataset's typed rows."""

    def __init__(self, glue_context, ruleset: str, evaluate_data_quality, dynamic_frame):
        self.ctx, self.ruleset = glue_context, ruleset
        self.evaluate_data_quality, self.dynamic_frame = evaluate_data_quality, dynamic_frame

    def evaluate(self, dataset: str, rows: DataFrame) -> tuple[DataFrame, list[str]]:
        frame = self.dynamic_frame.fromDF(rows, self.ctx, "dq_" + athena_name(dataset, 0))
        results = self.evaluate_data_quality().process_rows(
            frame=frame,
            ruleset=self.ruleset,
            publishing_options={
                "dataQualityEvaluationContext": athena_name(dataset, 0),
                "enableDataQualityCloudWatchMetrics": True,
                "enableDataQualityResultsPublishing": True,
            },
            additional_options={"performanceTuning.caching": "CACHE_NOTHING"},
        )
        row_level = results.select("rowLevelOutcomes").toDF()
        missing = [c for c in DQ_COLUMNS if c not in row_level.columns]
        if missing:  # DynamicFrameCollection.select returns an empty frame for an unknown key
            raise RuntimeError("Glue Data Quality returned no row-level outcomes (missing %s)" % ", ".join(missing))
        tagged = row_level.withColumn(
            QUALITY,
            F.when(F.col("DataQualityEvaluationResult") == "Passed", F.lit(None).cast("string")).otherwise(
                F.concat_ws("; ", F.col("DataQualityRulesFail"))
            ),
        ).drop(*DQ_COLUMNS)
        failed = [r["Rule"] for r in results.select("ruleOutcomes").toDF().collect() if r["Outcome"] != "Passed"]
        if not failed:
            return tagged, []
        failing_rows = {r[0] for r in row_level.select(F.explode("DataQualityRulesFail")).distinct().collect()}
        return tagged, [rule for rule in failed if rule not in failing_rows]
