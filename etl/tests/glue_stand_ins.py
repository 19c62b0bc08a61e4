"""Stand-ins for what exists only inside Glue: DynamicFrame and Glue Data Quality's EvaluateDataQuality.

They behave as documented, on real Spark DataFrames:
- DynamicFrame.fromDF(df, glue_ctx, name) / toDF(), and DynamicFrameCollection.select(key), which returns an empty
  frame for an unknown key (aws-glue-libs glue-5.0, awsglue/dynamicframe.py: fromDF lines 146-156, select 548-556).
- EvaluateDataQuality().process_rows(frame, ruleset, publishing_options, additional_options) returns a collection
  with "rowLevelOutcomes" (the rows plus DataQualityRulesPass, DataQualityRulesFail, DataQualityRulesSkip as lists
  of rule text and DataQualityEvaluationResult "Passed"/"Failed") and "ruleOutcomes" (Rule, Outcome,
  FailureReason) ("Data Quality for ETL jobs in AWS Glue Studio notebooks"; "EvaluateDataQuality class").
  Dataset-level rules appear in every row's DataQualityRulesSkip. Only the rules the tests use are understood:
  `ColumnValues "col" <op> number` (row level) and `RowCount <op> number` (dataset level).
"""

import operator
import re

from pyspark.sql import functions as F

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq}


class DynamicFrame:
    def __init__(self, df):
        self._df = df

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name=""):  # noqa: N802 (awsglue's name)
        return cls(dataframe)

    def toDF(self):  # noqa: N802
        return self._df


class DynamicFrameCollection:
    def __init__(self, frames, empty):
        self._frames, self._empty = frames, empty

    def select(self, key, transformation_ctx=""):
        return self._frames.get(key, self._empty)


class EvaluateDataQuality:
    calls: list = []

    def process_rows(self, frame, ruleset, publishing_options=None, additional_options=None):
        EvaluateDataQuality.calls.append({"ruleset": ruleset, "publishing_options": publishing_options})
        df = frame.toDF()
        spark = df.sparkSession
        rules = re.findall(r'(ColumnValues "[^"]+" [<>=]+ [0-9.]+|RowCount [<>=]+ [0-9]+)', ruleset)
        rows, outcomes, fail, skip = df.count(), [], [], []
        for rule in rules:
            column = re.match(r'ColumnValues "([^"]+)" ([<>=]+) ([0-9.]+)', rule)
            if column:
                name, op, value = column.group(1), column.group(2), float(column.group(3))
                passed = OPS[op](F.col(name), value)
                fail.append(F.when(~passed | F.col(name).isNull(), F.lit(rule)))
                ok = df.filter(~passed | F.col(name).isNull()).count() == 0
            else:
                op, value = re.match(r"RowCount ([<>=]+) ([0-9]+)", rule).groups()
                ok = OPS[op](rows, int(value))
                skip.append(F.lit(rule))
            outcomes.append((rule, "Passed" if ok else "Failed", None if ok else "rule failed"))
        failed = F.filter(F.array(*fail), lambda x: x.isNotNull()) if fail else F.array().cast("array<string>")
        row_level = df.withColumn("DataQualityRulesFail", failed)
        passed_rules = [r for r in rules if not r.startswith("RowCount")]
        row_level = (
            row_level.withColumn(
                "DataQualityRulesPass",
                F.array_except(
                    F.array(*[F.lit(r) for r in passed_rules]).cast("array<string>"), F.col("DataQualityRulesFail")
                ),
            )
            .withColumn("DataQualityRulesSkip", F.array(*skip).cast("array<string>"))
            .withColumn(
                "DataQualityEvaluationResult",
                F.when(F.size("DataQualityRulesFail") == 0, "Passed").otherwise("Failed"),
            )
        )
        rule_outcomes = spark.createDataFrame(outcomes, "Rule string, Outcome string, FailureReason string")
        frames = {"rowLevelOutcomes": DynamicFrame(row_level), "ruleOutcomes": DynamicFrame(rule_outcomes)}
        return DynamicFrameCollection(frames, DynamicFrame(spark.createDataFrame([], "x string")))
