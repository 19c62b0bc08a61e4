"""What a value must look like to fit each type, and the type a column's values propose."""

import pytest
from lake.contract import KIND_CODES, fits, kind, kinds_seen, propose
from pyspark.sql import functions as F

VALUES = {
    "bigint": ["0", "7", "-12", "+5", "123456789012345678"],
    "double": ["1.5", "-0.25", ".5", "1.", "1e5", "2.5E-3", "0.0", "1e307", "1e-307"],
    "date": ["2024-02-29", "1999-12-31", "0001-01-01"],
    "timestamp": [
        "2024-01-31T10:00",
        "2024-01-31 10:00:59",
        "2024-01-31T10:00:00.123456Z",
        "2024-01-31T10:00:00+01:00",
        "2024-01-31T10:00:00-0530",
        "2024-01-31T23:59:59+02",
        "2024-01-31T10:00:00Z",
        "2024-01-31T10:00:00+18:00",
        "2024-01-31T10:00:00-17:59",
        "2024-01-31 10:00:00.5+0100",
    ],
    "string": [
        "08123",
        "007.5",
        "1234567890123456789",
        "NaN",
        "Infinity",
        "1.5d",
        " 12",
        "12 ",
        "1,5",
        "n/a",
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-1-5",
        "2024-01-31T24:00",
        "2024-01-31T10:61",
        "1e309",
        "1e-400",
        "9" * 400,
        "2024-01-31T10:00Z",
        "2024-01-31T10:00+05:30",
        "2024-01-31T10:00:00+19",
        "2024-01-31T10:00:00+05:99",
        "2024-01-31T10:00:00+18:30",
        "2024-02-30T10:00:00",
        "2024-01-31T10:00:00.1234567",
        "abc",
    ],
}


def test_each_value_is_of_the_kind_expected_and_every_fit_casts(spark):
    rows = [(v, t) for t, values in VALUES.items() for v in values]
    frame = spark.createDataFrame(rows, "v string, expected string")
    got = frame.select(
        "v",
        "expected",
        kind(F.col("v")).alias("kind"),
        *[F.col("v").cast(t).isNotNull().alias("casts_" + t) for t in ("bigint", "double", "date", "timestamp")],
    ).collect()
    for row in got:
        assert row["kind"] == KIND_CODES[row["expected"]], row["v"]
        if row["expected"] != "string":
            assert row["casts_" + row["expected"]], "%s fits %s but Spark cannot cast it" % (row["v"], row["expected"])


def test_fits_checks_one_type_and_string_takes_anything(spark):
    frame = spark.createDataFrame([("12",), ("1.5",), ("x",)], "v string")
    got = frame.select(fits(F.col("v"), "bigint").alias("b"), fits(F.col("v"), "string").alias("s")).collect()
    assert [(r["b"], r["s"]) for r in got] == [(True, True), (False, True), (False, True)]


@pytest.mark.parametrize(
    "kinds, expected",
    [
        (set(), "string"),
        ({"bigint"}, "bigint"),
        ({"bigint", "double"}, "double"),
        ({"double"}, "double"),
        ({"date"}, "date"),
        ({"timestamp"}, "timestamp"),
        ({"date", "timestamp"}, "string"),
        ({"bigint", "string"}, "string"),
        ({"bigint", "date"}, "string"),
        ({"double", "timestamp"}, "string"),
        ({"string"}, "string"),
    ],
)
def test_a_column_proposes_the_narrowest_type_all_its_values_fit(kinds, expected):
    codes = [KIND_CODES[k] for k in kinds]
    assert propose((min(codes, default=None), max(codes, default=None))) == expected


@pytest.mark.parametrize(
    "values",
    [
        ["1", "2"],
        ["1", "2.5"],
        ["2024-01-01", "2024-01-02"],
        ["2024-01-01", "2024-01-01T10:00"],
        ["1", "x"],
        ["08", "1"],
        ["1.5", "1234567890123456789"],
        ["x", "1.5", "2"],
    ],
)
def test_a_hint_from_a_sample_never_changes_the_proposal(spark, values):
    frame = spark.createDataFrame([(v,) for v in values], "v string")
    plain = tuple(frame.agg(*kinds_seen("v", F.lit(True))).first())
    for size in range(1, len(values) + 1):  # every sample the first rows can make
        sample = spark.createDataFrame([(v,) for v in values[:size]], "v string")
        hint = propose(tuple(sample.agg(*kinds_seen("v", F.lit(True))).first()))
        hinted = tuple(frame.agg(*kinds_seen("v", F.lit(True), hint)).first())
        assert propose(hinted) == propose(plain), (values, hint)
