"""The Glue job's ports: upload headers read from S3, the curated table in the Glue Data Catalog as the contract,
and Glue Data Quality (the uploads ledger is in uploads.py). boto3 clients are passed in (moto in the tests)."""

import io
import re
from typing import IO
from urllib.parse import unquote

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .names import athena_name
from .ports import QUALITY, Column, Contract, Upload

DATASET_PARAMETER = "source_dataset"  # the table parameter naming the dataset folder a curated table holds
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
    """Reads the header record of an upload from S3 (Spark reads the rest through EMRFS)."""

    def __init__(self, s3, bucket: str):
        self.s3, self.bucket = s3, bucket

    def gone(self, upload: Upload) -> bool:
        """Whether the object is no longer in S3 (deleted after its upload was recorded). Listed by its own key: S3
        answers a GET of a missing key with 403, not 404, to a caller whose s3:ListBucket is limited to prefixes
        (S3 API reference, GetObject, "Permissions"), as the job's is."""
        found = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=upload.key, MaxKeys=1).get("Contents", [])
        return not (found and found[0]["Key"] == upload.key)

    def open_text(self, upload: Upload) -> IO[str]:
        if upload.size == 0:
            return io.StringIO("")
        body = self.s3.get_object(Bucket=self.bucket, Key=upload.key, Range="bytes=0-%d" % (HEADER_BYTES - 1))["Body"]
        return io.StringIO(body.read().decode("utf-8-sig"), newline="")


class GlueCatalog:
    """The curated table of each dataset: its columns are the contract; its partitions are registered as written."""

    def __init__(self, glue, database: str, location_of):
        self.glue, self.database, self.location_of = glue, database, location_of

    def _table(self, dataset: str) -> dict | None:
        try:
            return self.glue.get_table(DatabaseName=self.database, Name=athena_name(dataset, 0))["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None

    def owner(self, dataset: str) -> str | None:
        """The dataset whose rows the dataset's table holds, when the table exists (another dataset whose name
        makes the same table name, such as "sales-eu" for "sales_eu", may own it)."""
        table = self._table(dataset)
        return None if table is None else table.get("Parameters", {}).get(DATASET_PARAMETER, dataset)

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
            "Parameters": {"classification": "parquet", "EXTERNAL": "TRUE", DATASET_PARAMETER: dataset},
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
