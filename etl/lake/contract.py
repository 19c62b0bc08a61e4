"""The type contract: what a first batch proposes, what a value must look like to fit a type, the casts.

A column's type is proposed once, from the first batch that has the column, from all its values, and never changes
(a decimal's precision may grow, never its scale):
- integers of up to 18 digits: bigint (a leading zero, as in '08123', keeps the column text);
- integers and decimals written without an exponent, longer integers included: decimal(p,s), s the most fraction
  digits written, p the most integer digits plus s (at most 38), so every digit is kept;
- numbers written with an exponent ('1.5e3'), where every number of the column has at most 15 significant digits:
  double (15 digits survive the round trip through a double; more would be lost);
- ISO 8601 dates: date; ISO 8601 timestamps: timestamp (read as UTC without an offset);
- anything else, or a mix of the above: string.
Later batches are checked against the contract and cast to it: a value that does not fit goes to quarantine.
"""

import re
from collections.abc import Iterable
from typing import NamedTuple

from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from .names import HeaderField
from .ports import Column, Contract

MAX_PRECISION = 38  # Spark's and Iceberg's largest decimal
DOUBLE_DIGITS = 15  # significant decimal digits a double always gives back as written
_DAY = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIMESTAMP = (
    r"^%s[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
    r"(:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]((0[0-9]|1[0-7])(:?[0-5][0-9])?|18(:?00)?))?)?$" % _DAY
)
# What a value must look like for each kind (tested value by value in etl/tests/test_types.py). No leading zeros in
# numbers; no 'NaN', 'Infinity' or '1.5d' (which Java would parse); dates and timestamps in ISO 8601 with real
# months, hours and minutes, in the forms Spark's cast takes; a timestamp's fraction has at most microseconds and
# an offset comes only after seconds, within Spark's +-18:00.
PATTERNS = {
    "bigint": r"^[+-]?(0|[1-9][0-9]{0,17})$",
    "integer": r"^[+-]?(0|[1-9][0-9]*)$",  # any length
    "decimal": r"^[+-]?((0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)$",
    "exponent": r"^[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]{1,3}$",
    "date": "^%s$" % _DAY,
    "timestamp": _TIMESTAMP,
}
# Kinds of value, as bits: a column's kinds are the OR of its values' bits (one aggregate, bit_or).
BITS = {"bigint": 1, "integer": 2, "decimal": 4, "exponent": 8, "date": 16, "timestamp": 32, "string": 64}
_EXACT = BITS["bigint"] | BITS["integer"] | BITS["decimal"]
_DECIMAL_TYPE = re.compile(r"^decimal\(([0-9]+),([0-9]+)\)$")
_SMALLEST_NORMAL = 2.2250738585072014e-308  # below it a double has fewer significant digits


class Kinds(NamedTuple):
    """What a column's values are: the OR of their kind bits, the most integer digits and fraction digits of its
    exact numbers, and the most significant digits of any number (None: no such value)."""

    bits: int | None = None
    integer_digits: int | None = None
    scale: int | None = None
    significant: int | None = None


NO_VALUE = Kinds()


def decimal_of(type_name: str) -> tuple[int, int] | None:
    """(precision, scale) of a decimal type name, else None."""
    match = _DECIMAL_TYPE.match(type_name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _integer_digits(value: SparkColumn) -> SparkColumn:
    """Digits before the point, leading zeros left out ('0.5' has none)."""
    return F.length(F.regexp_replace(F.regexp_extract(value, r"^[+-]?([0-9]*)", 1), "^0+", ""))


def _fraction(value: SparkColumn) -> SparkColumn:
    return F.regexp_extract(value, r"\.([0-9]*)$", 1)


def _significant_digits(value: SparkColumn) -> SparkColumn:
    """The mantissa's digits without leading and trailing zeros ('0.0120e5' has 2)."""
    mantissa = F.regexp_extract(value, r"^[+-]?([0-9]*)\.?([0-9]*)", 0)
    digits = F.regexp_replace(mantissa, r"[^0-9]", "")
    return F.length(F.regexp_replace(digits, r"^0+|0+$", ""))


def _a_double(value: SparkColumn) -> SparkColumn:
    """A number a double holds with every significant digit: at most 15, finite, not below the normal range."""
    number = value.cast("double")
    return (
        (_significant_digits(value) <= DOUBLE_DIGITS)
        & (F.abs(number) < F.lit(float("inf")))
        & ((number == 0) | (F.abs(number) >= F.lit(_SMALLEST_NORMAL)))
        & ((number != 0) | (_significant_digits(value) == 0))
    )


def _as_written(value: SparkColumn, type_name: str) -> SparkColumn:
    """True where the value is exactly the text Spark writes for its cast to the type: a test of one cast and one
    comparison that most values of a typed column pass. It confirms a fit the patterns would give (a value failing it
    is tested by them): the exponent ('1E-10') and a bigint's 19th digit are kept out, a date has ten characters."""
    as_text = value.cast(type_name).cast("string") == value
    if type_name == "bigint":
        return as_text & (F.length(value) - value.startswith("-").cast("int") <= 18)
    if type_name == "date":
        return as_text & (F.length(value) == 10)
    return as_text & ~value.contains("E")


def _exact_fit(value: SparkColumn, scale: int, strict: bool) -> SparkColumn:
    """A number without exponent of at most 38-scale integer digits and at most `scale` fraction digits (with
    `strict`, trailing zeros counted)."""
    exact = value.rlike(PATTERNS["integer"]) | value.rlike(PATTERNS["decimal"])
    fraction = _fraction(value) if strict else F.regexp_replace(_fraction(value), "0+$", "")
    return exact & (F.length(fraction) <= scale) & (_integer_digits(value) <= MAX_PRECISION - scale)


def fits(value: SparkColumn, type_name: str) -> SparkColumn:
    """True where a non-null string value can be stored as the type without loss (pattern first: it is cheap).

    A decimal(p,s) takes a number without exponent with at most s fraction digits (zeros past them are no loss) and
    at most 38-s integer digits: precision may grow to hold it, its scale never changes.
    """
    if type_name == "string":
        return F.lit(True)
    if type_name == "bigint":
        return F.when(_as_written(value, "bigint"), True).otherwise(value.rlike(PATTERNS["bigint"]))
    if type_name == "double":
        numeric = (
            value.rlike(PATTERNS["integer"]) | value.rlike(PATTERNS["decimal"]) | value.rlike(PATTERNS["exponent"])
        )
        return numeric & _a_double(value)
    decimal = decimal_of(type_name)
    if decimal is not None:
        _, scale = decimal
        as_written = _as_written(value, "decimal(%d,%d)" % (MAX_PRECISION, scale))
        return F.when(as_written, True).otherwise(_exact_fit(value, scale, strict=False))
    # The patterns let a day the calendar lacks through (2024-02-30): the date of the first ten characters must cast.
    slow = value.rlike(PATTERNS[type_name]) & F.substring(value, 1, 10).cast("date").isNotNull()
    return F.when(_as_written(value, "date"), True).otherwise(slow) if type_name == "date" else slow


def confirms(value: SparkColumn, type_name: str) -> SparkColumn:
    """True where a non-null value of a new column keeps the type its sample proposed: the type the value's kind
    (with the sample's) proposes. As `fits`, but a decimal's fraction digits all count, trailing zeros too, as
    they do for a proposal; the integer digits only grow the precision (integer_digits_of)."""
    decimal = decimal_of(type_name)
    if decimal is None:
        return fits(value, type_name)
    _, scale = decimal
    as_written = _as_written(value, "decimal(%d,%d)" % (MAX_PRECISION, scale))
    return F.when(as_written, True).otherwise(_exact_fit(value, scale, strict=True))


def magnitude_of(name: str, type_name: str, usable: SparkColumn) -> SparkColumn:
    """A decimal column's usable value's magnitude (values fit its scale), as the column largest_of aggregates: the
    largest one's integer digits are those the column's precision must hold (integer_digits_of). One cast per
    value, no pattern."""
    _, scale = decimal_of(type_name) or (MAX_PRECISION, 0)
    magnitude = F.abs(F.col(name).cast("decimal(%d,%d)" % (MAX_PRECISION, scale)))
    return F.when(usable, magnitude).alias("%s#magnitude" % name)


def largest_of(name: str) -> SparkColumn:
    return F.max(F.col("%s#magnitude" % name)).alias("%s#largest" % name)


def integer_digits_of(largest) -> int | None:
    """The integer digits of a magnitude largest_of found ('0.5' has none), None for no value."""
    if largest is None:
        return None
    whole = int(largest)
    return len(str(whole)) if whole else 0


def kind(value: SparkColumn) -> SparkColumn:
    """The kind of a value, as its bit (null for null)."""
    return (
        F.when(value.isNull(), F.lit(None).cast("int"))
        # Every number, date and timestamp starts with one of these: other text skips the patterns (the cheap path).
        .when(~F.substring(value, 1, 1).isin(*"0123456789+-."), BITS["string"])
        .when(value.rlike(PATTERNS["bigint"]), BITS["bigint"])
        .when(value.rlike(PATTERNS["integer"]), BITS["integer"])
        .when(value.rlike(PATTERNS["decimal"]), BITS["decimal"])
        .when(value.rlike(PATTERNS["exponent"]) & _a_double(value), BITS["exponent"])
        .when(fits(value, "date"), BITS["date"])
        .when(fits(value, "timestamp"), BITS["timestamp"])
        .otherwise(BITS["string"])
    )


def kind_column(name: str, usable: SparkColumn) -> SparkColumn:
    """The kind bit of a column's usable values (null elsewhere), as the column kinds_seen aggregates."""
    return kind(F.when(usable, F.col(name))).alias("%s#kind" % name)


def kinds_seen(name: str) -> list[SparkColumn]:
    """Aggregations of a new column's values of the kinds kind_column gave: the Kinds fields, named
    <column>#<field>. The kind is a column of its own, computed once per value: written into each aggregate, its
    expression would be planned and compiled once per use, which made a wide file's one pass take minutes."""
    value, bit = F.col(name), F.col("%s#kind" % name)
    exact = F.when((bit.bitwiseAND(_EXACT) > 0), value)
    number = F.when(bit.bitwiseAND(_EXACT | BITS["exponent"]) > 0, value)
    return [
        F.bit_or(bit).alias("%s#bits" % name),
        F.max(_integer_digits(exact)).alias("%s#integer" % name),
        F.max(F.length(_fraction(exact))).alias("%s#scale" % name),
        F.max(_significant_digits(number)).alias("%s#significant" % name),
    ]


def kinds_of(row, name: str) -> Kinds:
    return Kinds(*(row["%s#%s" % (name, f)] for f in ("bits", "integer", "scale", "significant")))


def merge(a: Kinds, b: Kinds) -> Kinds:
    """The kinds of two groups of rows together."""

    def either(x: int | None, y: int | None, combine) -> int | None:
        return y if x is None else x if y is None else combine(x, y)

    return Kinds(
        either(a.bits, b.bits, lambda x, y: x | y),
        either(a.integer_digits, b.integer_digits, max),
        either(a.scale, b.scale, max),
        either(a.significant, b.significant, max),
    )


def propose(kinds: Kinds) -> str:
    """The type of a new column from the kinds of its values: the narrowest type every value fits."""
    bits, integer_digits, scale, significant = kinds
    if not bits:
        return "string"
    if bits == BITS["bigint"]:
        return "bigint"
    if bits & ~_EXACT == 0:
        precision = max(1, (integer_digits or 0) + (scale or 0))
        return "decimal(%d,%d)" % (precision, scale or 0) if precision <= MAX_PRECISION else "string"
    if bits & ~(_EXACT | BITS["exponent"]) == 0:
        return "double" if (significant or 0) <= DOUBLE_DIGITS else "string"
    if bits in (BITS["date"], BITS["timestamp"]):
        return "date" if bits == BITS["date"] else "timestamp"
    return "string"


def widened(type_name: str, integer_digits: int | None) -> str:
    """A decimal type with the precision to hold `integer_digits` before the point (its scale kept)."""
    decimal = decimal_of(type_name)
    if decimal is None or integer_digits is None:
        return type_name
    precision, scale = decimal
    return "decimal(%d,%d)" % (min(MAX_PRECISION, max(precision, integer_digits + scale)), scale)


def typed(value: SparkColumn, type_name: str) -> SparkColumn:
    """The value as the contract's type (only called on values that fit)."""
    return value if type_name == "string" else value.cast(type_name)


def extend(
    contract: Contract | None,
    columns: Iterable[str],
    kinds: dict[str, Kinds],
    partition: str | None,
    sources: dict[str, HeaderField],
    integer_digits: dict[str, int | None] | None = None,
) -> Contract:
    """The contract with this batch's new columns appended, each with its source header, and its decimal columns'
    precision grown to the integer digits this batch has; existing columns keep their types and order.

    A new column with no value yet is left out (its type would be a guess), except the partition column.
    """
    existing = [
        Column(c.name, widened(c.type, (integer_digits or {}).get(c.name)), c.source)
        for c in (contract.columns if contract else ())
    ]
    known = {c.name for c in existing}
    added = [
        Column(name, propose(kinds.get(name, NO_VALUE)), sources.get(name))
        for name in columns
        if name not in known and (kinds.get(name, NO_VALUE).bits is not None or name == partition)
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
