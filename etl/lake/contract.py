"""The type contract: what a first batch proposes, what a value must look like to fit a type, the casts.

A column's type is proposed once, from the first batch that has the column, and never changes: integers are bigint
unless a value has a leading zero ('08123' stays text), decimals double, ISO dates and timestamps date and
timestamp, anything else string. Later batches are checked against the contract and cast to it.
"""

from collections.abc import Iterable

from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from .ports import Column, Contract

_DAY = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
# What a value must look like. No leading zeros and at most 18 digits in a bigint (so it always fits), no 'NaN',
# 'Infinity' or '1.5d' (which Java would parse) in a double, and an exponent Spark's double holds; dates and
# timestamps in ISO 8601 with real months, hours and minutes, in the forms Spark's cast takes (tested value by value
# in etl/tests/test_types.py). A timestamp without an offset is read as UTC; its fraction has at most microseconds.
PATTERNS = {
    "bigint": r"^[+-]?(0|[1-9][0-9]{0,17})$",
    # An integer of more than 18 digits is not a double either: it would lose digits (it stays text).
    "double": r"^[+-]?((0|[1-9][0-9]{0,17})|(0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)"
    r"([eE][+-]?([0-9]{1,2}|[12][0-9]{2}|30[0-7]))?$",
    "date": "^%s$" % _DAY,
    # An offset only after seconds, and within Spark's +-18:00: the forms Spark's cast takes (10:00Z does not).
    "timestamp": r"^%s[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
    r"(:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]((0[0-9]|1[0-7])(:?[0-5][0-9])?|18(:?00)?))?)?$" % _DAY,
}
_INTEGER = r"^[+-]?[0-9]+$"
TYPES = ("bigint", "double", "date", "timestamp", "string")
# Kinds of value, as codes ordered so that the lowest and highest code of a column decide its type (see propose):
# two aggregates per column, min and max, which Spark's hash aggregation computes fast.
KIND_CODES = {"bigint": 1, "double": 2, "date": 4, "timestamp": 8, "string": 16}
Kinds = tuple[int | None, int | None]  # the lowest and highest code of a column's values; (None, None): no value


def fits(value: SparkColumn, type_name: str) -> SparkColumn:
    """True where a non-null string value can be stored as the type without loss (pattern first: it is cheap)."""
    if type_name == "string":
        return F.lit(True)
    matches = value.rlike(PATTERNS[type_name])
    if type_name == "bigint":
        return matches
    if type_name == "double":  # a mantissa of hundreds of digits still overflows to infinity
        return matches & (F.abs(value.cast("double")) < F.lit(float("inf")))
    # The patterns let a day the calendar lacks through (2024-02-30): the date of the first ten characters must cast.
    return matches & F.substring(value, 1, 10).cast("date").isNotNull()


def kind(value: SparkColumn) -> SparkColumn:
    """The narrowest type a value fits, as its code (null for null); an integer too long for bigint is text."""
    return (
        F.when(value.isNull(), F.lit(None).cast("int"))
        # Every number, date and timestamp starts with one of these: other text skips the patterns (the cheap path).
        .when(~F.substring(value, 1, 1).isin(*"0123456789+-."), KIND_CODES["string"])
        .when(fits(value, "bigint"), KIND_CODES["bigint"])
        .when(value.rlike(_INTEGER), KIND_CODES["string"])
        .when(fits(value, "double"), KIND_CODES["double"])
        .when(fits(value, "date"), KIND_CODES["date"])
        .when(fits(value, "timestamp"), KIND_CODES["timestamp"])
        .otherwise(KIND_CODES["string"])
    )


def kinds_seen(name: str, usable: SparkColumn, hint: str | None = None) -> list[SparkColumn]:
    """Aggregations: the lowest and highest kind of value a new column holds in the usable rows.

    With a hint (the type a sample of the rows proposes), a value fitting it counts as that type after one test,
    and only the others go through every pattern. The result proposes the same type as without the hint: a value
    fitting the hint has the hint's kind, except an integer fitting a double hint, and a double hint means the
    sample, part of the values, holds a decimal, so the proposal is double either way.
    """
    value = F.col(name)
    tested = (
        kind(value)
        if hint is None
        else F.when(fits(value, hint) & value.isNotNull(), KIND_CODES[hint]).otherwise(kind(value))
    )
    counted = F.when(usable, tested)
    return [F.min(counted).alias("%s#low" % name), F.max(counted).alias("%s#high" % name)]


def merge(a: Kinds, b: Kinds) -> Kinds:
    """The kinds of two groups of rows together."""
    lows = [x for x in (a[0], b[0]) if x is not None]
    highs = [x for x in (a[1], b[1]) if x is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)


def propose(kinds: Kinds) -> str:
    """The type of a new column from the kinds of its values: the narrowest type every value fits."""
    low, high = kinds
    if high is None:
        return "string"
    if high <= KIND_CODES["double"]:
        return "bigint" if high == KIND_CODES["bigint"] else "double"
    if low == high and high in (KIND_CODES["date"], KIND_CODES["timestamp"]):
        return "date" if high == KIND_CODES["date"] else "timestamp"
    return "string"


def typed(value: SparkColumn, type_name: str) -> SparkColumn:
    """The value as the contract's type (only called on values that fit)."""
    return value if type_name == "string" else value.cast(type_name)


def extend(
    contract: Contract | None, columns: Iterable[str], kinds: dict[str, Kinds], partition: str | None
) -> Contract:
    """The contract with this batch's new columns appended; existing columns keep their types and order.

    A new column with no value yet is left out (its type would be a guess), except the partition column.
    """
    existing = list(contract.columns) if contract else []
    known = {c.name for c in existing}
    added = [
        Column(name, propose(kinds.get(name, (None, None))))
        for name in columns
        if name not in known and (kinds.get(name, (None, None))[1] is not None or name == partition)
    ]
    kept = partition if partition is not None else (contract.partition if contract else None)
    return Contract(tuple(existing + added), kept)


def violations(contract: Contract | None, columns: list[str]) -> list[tuple[str, str, SparkColumn]]:
    """(column, type, condition) for each contract column of this batch whose value may not fit its type."""
    if contract is None:
        return []
    checks = []
    for name in columns:
        type_name = contract.type_of(name)
        if type_name and type_name != "string":
            value = F.col(name)
            checks.append((name, type_name, value.isNotNull() & ~fits(value, type_name)))
    return checks


def partition_problem(dataset: str, contract: Contract | None, updated: Contract, partition: str | None) -> str | None:
    """Why the dataset cannot be written with this partition column, if it cannot."""
    if contract is not None and contract.partition != partition:
        return "partitionColumns: %s is partitioned by %s; a table's partition column cannot change (now %s)" % (
            dataset,
            contract.partition or "nothing",
            partition or "nothing",
        )
    if partition and updated.type_of(partition) is None:
        return "partition column %s (partitionColumns) is not a column of %s" % (partition, dataset)
    return None
