"""What a value must look like to fit each type, and the type a column's values propose."""

from decimal import Decimal

import pytest
from lake.contract import (
    BITS,
    NO_VALUE,
    Kinds,
    confirms,
    decimal_of,
    fits,
    integer_digits_of,
    kind,
    kind_column,
    kinds_of,
    kinds_seen,
    merge,
    propose,
    widened,
)
from pyspark.sql import functions as F

VALUES = {
    "bigint": ["0", "7", "-12", "+5", "123456789012345678", "9007199254740993"],
    "integer": ["1234567890123456789", "-" + "9" * 38, "9" * 400],
    "decimal": ["1.5", "-0.25", ".5", "1.", "0.0", "1.50", "123456789012345678901234.5"],
    "exponent": ["1e5", "2.5E-3", "1e307", "1e-307", "-1.25e+10", "123456789012345e2"],
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
        "1e-310",
        "1.234567890123456e5",
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
# The type each kind's values are cast to, to check that every value of the kind fits and casts without loss.
CAST = {"bigint": "bigint", "exponent": "double", "date": "date", "timestamp": "timestamp"}


def test_each_value_is_of_the_kind_expected_and_every_fit_casts(spark):
    rows = [(v, t) for t, values in VALUES.items() for v in values]
    frame = spark.createDataFrame(rows, "v string, expected string")
    got = frame.select(
        "v",
        "expected",
        kind(F.col("v")).alias("kind"),
        *[F.col("v").cast(t).isNotNull().alias("casts_" + k) for k, t in CAST.items()],
    ).collect()
    for row in got:
        assert row["kind"] == BITS[row["expected"]], row["v"]
        if row["expected"] in CAST:
            assert row["casts_" + row["expected"]], "%s fits %s but Spark cannot cast it" % (row["v"], row["expected"])


def test_fits_checks_one_type_and_string_takes_anything(spark):
    frame = spark.createDataFrame([("12",), ("1.5",), ("x",)], "v string")
    got = frame.select(fits(F.col("v"), "bigint").alias("b"), fits(F.col("v"), "string").alias("s")).collect()
    assert [(r["b"], r["s"]) for r in got] == [(True, True), (False, True), (False, True)]


@pytest.mark.parametrize(
    "value, type_name, expected",
    [
        ("12.34", "decimal(4,2)", True),
        ("12.340", "decimal(4,2)", True),  # a zero past the scale loses nothing
        ("12.345", "decimal(4,2)", False),  # it would be rounded
        ("123456.5", "decimal(4,2)", True),  # the precision grows to hold it
        ("1" * 37 + ".5", "decimal(4,2)", False),  # beyond 38 digits
        ("7", "decimal(4,2)", True),
        ("1e3", "decimal(4,2)", False),
        ("9007199254740993", "double", False),  # 16 digits: a double would make it ...992
        ("900719925474099", "double", True),
        ("1.5", "double", True),
        ("-1.5e-3", "double", True),
    ],
)
def test_a_value_fits_a_decimal_or_double_only_if_every_digit_is_kept(spark, value, type_name, expected):
    frame = spark.createDataFrame([(value,)], "v string")
    grown = widened(type_name, 38)  # the precision the value may grow the column to
    row = frame.select(fits(F.col("v"), type_name).alias("fits"), F.col("v").cast(grown).alias("as")).first()
    assert row is not None and row["fits"] == expected
    if expected:  # and then the cast keeps the value
        assert Decimal(str(row["as"])) == Decimal(value)


def kinds_of_values(spark, values: list[str]) -> Kinds:
    frame = spark.createDataFrame([(v,) for v in values], "v string")
    return kinds_of(frame.select("v", kind_column("v", F.lit(True))).agg(*kinds_seen("v")).first(), "v")


@pytest.mark.parametrize(
    "values, expected",
    [
        ([], "string"),
        (["1", "-2"], "bigint"),
        (["1", "2.5"], "decimal(2,1)"),
        (["10.50", "-3"], "decimal(4,2)"),
        (["0.001"], "decimal(3,3)"),
        (["9007199254740993"], "bigint"),
        (["9007199254740993", "0.5"], "decimal(17,1)"),
        (["12345678901234567890"], "decimal(20,0)"),
        (["1" * 38], "decimal(38,0)"),
        (["1" * 39], "string"),
        (["1" * 30 + ".12345678"], "decimal(38,8)"),
        (["1" * 31 + ".12345678"], "string"),
        (["1.5", "1e3"], "double"),
        (["1", "2.5e-3"], "double"),
        (["1.5e3", "1234567890123456"], "string"),  # 16 digits beside floating point: no type keeps them all
        (["2024-01-01"], "date"),
        (["2024-01-01T10:00"], "timestamp"),
        (["2024-01-01", "2024-01-01T10:00"], "string"),
        (["1", "x"], "string"),
        (["08", "1"], "string"),
        (["1", "2024-01-01"], "string"),
        (["1.5", "2024-01-01T10:00"], "string"),
    ],
)
def test_a_column_proposes_the_narrowest_type_that_keeps_every_value(spark, values, expected):
    assert propose(kinds_of_values(spark, values)) == expected


def test_kinds_of_groups_merge_as_the_kinds_of_all_their_rows(spark):
    a, b = ["1", "22.5"], ["333", "4.125"]
    assert merge(kinds_of_values(spark, a), kinds_of_values(spark, b)) == kinds_of_values(spark, a + b)
    assert merge(NO_VALUE, kinds_of_values(spark, a)) == kinds_of_values(spark, a)
    assert propose(kinds_of_values(spark, a + b)) == "decimal(6,3)"


def test_a_decimal_grows_its_precision_never_its_scale():
    assert widened("decimal(4,2)", 5) == "decimal(7,2)"
    assert widened("decimal(4,2)", 38) == "decimal(38,2)", "never beyond 38"
    assert widened("decimal(4,2)", 1) == "decimal(4,2)"
    assert widened("bigint", 30) == "bigint"


# Values that pass or fail the one-cast test of fits and confirms (a value Spark writes back as it was) where the
# patterns answer otherwise: each must get the patterns' answer.
EDGES = [
    *["1E-10", "1e-10", "1234567890123456789", "-1234567890123456789", "-9223372036854775808", "+5", "-0", "0"],
    *["+10000-01-01", "10000-01-01", "2024-01-05", "2024-1-5", " 2024-01-05", "2024-01-05T00:00:00"],
    *["1.250", "1.2", "-0.50", "0.00000000001", "1.", ".5", "12", "5.0E+3"],
]


SAMPLES = ["1", "1.25", "0.5", "1e5", "2024-01-01", "2024-01-01T10:00", "10", "-3.125"]


def test_a_value_confirms_a_samples_type_exactly_when_the_sample_with_it_proposes_that_type(spark):
    """What a batch's sample proposes holds for the whole batch when every value confirms it: the type (a decimal's
    scale included) that the sample's values with this one propose; a decimal's precision may grow."""
    values = list(dict.fromkeys(EDGES + SAMPLES + [v for kind_values in VALUES.values() for v in kind_values]))
    frame = spark.createDataFrame([(v,) for v in values], "v string")
    each = frame.select("v", kind_column("v", F.lit(True))).groupBy("v").agg(*kinds_seen("v")).collect()
    kinds_each = {r["v"]: kinds_of(r, "v") for r in each}  # every value's kinds, in one job
    for sample in SAMPLES:
        proposed = propose(kinds_each[sample])
        got = frame.select("v", confirms(F.col("v"), proposed).alias("confirms")).collect()
        for row in got:
            together = propose(merge(kinds_each[sample], kinds_each[row["v"]]))
            scale = (decimal_of(together) or (0, -1))[1]
            same = together == proposed or (decimal_of(proposed) is not None and scale == decimal_of(proposed)[1])
            assert row["confirms"] == same, (row["v"], proposed, together)


@pytest.mark.parametrize("type_name", ["bigint", "date", "decimal(10,2)", "decimal(5,0)", "timestamp", "double"])
def test_fits_gives_the_patterns_answer_for_values_spark_writes_back_as_they_were(spark, type_name):
    """fits tries one cast first; its answer is the kind's: a bigint has at most 18 digits, a date is yyyy-mm-dd, a
    decimal is written without exponent with at most its scale's fraction digits (zeros past them allowed)."""
    expected = {
        "bigint": {"+5", "-0", "0", "12"},
        "date": {"2024-01-05"},
        "decimal(10,2)": {"1.250", "1.2", "-0.50", "1.", ".5", "12", "-0", "0", "+5"}
        | {"1234567890123456789", "-1234567890123456789", "-9223372036854775808"},
        "decimal(5,0)": {"1.", "12", "-0", "0", "+5", "1234567890123456789", "-1234567890123456789"}
        | {"-9223372036854775808"},
        "timestamp": {"2024-01-05T00:00:00"},
        "double": {"1E-10", "1e-10", "+5", "-0", "0", "1.250", "1.2", "-0.50", "0.00000000001", "1.", ".5", "12"}
        | {"5.0E+3"},
    }[type_name]
    frame = spark.createDataFrame([(v,) for v in EDGES], "v string")
    got = {r["v"] for r in frame.filter(fits(F.col("v"), type_name)).collect()}
    assert got == expected


def test_the_integer_digits_of_a_decimals_largest_value():
    assert [integer_digits_of(x) for x in (None, Decimal("0.5"), Decimal("12.30"), Decimal("1" * 30))] == [
        None,
        0,
        2,
        30,
    ]
