"""The Glue job's ports: upload headers read from S3, and Glue Data Quality (the uploads ledger is in uploads.py, the
tables in tables.py). boto3 clients are passed in (moto in the tests)."""

import codecs
import io
from contextlib import AbstractContextManager, closing
from typing import IO

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .names import athena_name
from .ports import QUALITY, Upload

HEADER_BYTES = 1024 * 1024  # a header record longer than this is read as cut off


class S3Source:
    """Reads the header record of an upload from S3 (Spark reads the rest through EMRFS)."""

    def __init__(self, s3, bucket: str):
        self.s3, self.bucket = s3, bucket

    def open_text(self, upload: Upload) -> IO[str]:
        """The first HEADER_BYTES of the upload as text. A character the cut splits is left out, not an error: the
        incremental decoder holds back an unfinished sequence unless the object ends there."""
        if upload.size == 0:
            return io.StringIO("")
        body = self.s3.get_object(Bucket=self.bucket, Key=upload.key, Range="bytes=0-%d" % (HEADER_BYTES - 1))["Body"]
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        return io.StringIO(decoder.decode(body.read(), final=upload.size <= HEADER_BYTES), newline="")

    def open_bytes(self, upload: Upload) -> AbstractContextManager[IO[bytes]]:
        return closing(self.s3.get_object(Bucket=self.bucket, Key=upload.key)["Body"])


# Columns Glue Data Quality's row-level outcomes add to each row ("Data Quality for ETL jobs in AWS Glue Studio
# notebooks": DataQualityRulesPass/Fail/Skip are lists of rules, DataQualityEvaluationResult "Passed" or "Failed").
DQ_COLUMNS = ("DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip", "DataQualityEvaluationResult")


class GlueQuality:
    """The Quality port on Glue Data Quality: the stack's DQDL rules evaluated on each dataset's typed rows."""

    def __init__(self, glue_context, ruleset: str, evaluate_data_quality, dynamic_frame):
        self.ctx, self.ruleset = glue_context, ruleset
        self.rules = ruleset
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
