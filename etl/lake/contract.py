"""The type contract: what a first batch proposes, what a value must look like to fit a type, the casts.

A column's type is proposed once, from the first batch that has the column, and never changes: integers are bigint
unless a value has a leading zero ('08123' stays text), decimals double, ISO dates and timestamps date and
timestamp, anything else string. Later batches are checked against the contract and cast to it.
"""

from collections.abc import Iterable

from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from .ports import Column, Contract

# Proposed in this order: the first type every value of the column fits wins; none fits -> string.
CANDIDATES = ("bigint", "double", "date", "timestamp")

# What a value must look like, besides Spark being able to cast it (so '1.5' is never truncated to a bigint and
# '2024-1-5' is not a date). No leading zeros in numbers; timestamps without an offset are read as UTC.
PATTERNS = {
    "bigint": r"^[+-]?(0|[1-9][0-9]{0,18})$",
    "double": r"^[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "timestamp": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$",
}
TYPES = CANDIDATES + ("string",)


def fits(value: SparkColumn, type_name: str) -> SparkColumn:
    """True where a non-null string value can be stored as the type without loss; null values are not tested."""
    if type_name == "string":
        return F.lit(True)
    return value.rlike(PATTERNS[type_name]) & value.cast(type_name).isNotNull()


def typed(value: SparkColumn, type_name: str) -> SparkColumn:
    """The value as the contract's type (only called on values that fit)."""
    return value if type_name == "string" else value.cast(type_name)


def fit_counters(name: str, usable: SparkColumn) -> list[SparkColumn]:
    """Aggregations for proposing a new column's type: its non-null values, and those fitting each candidate."""
    value = F.col(name)
    present = usable & value.isNotNull()
    counters = [F.sum(F.when(present, 1).otherwise(0)).alias("%s#present" % name)]
    counters += [F.sum(F.when(present & fits(value, t), 1).otherwise(0)).alias("%s#%s" % (name, t)) for t in CANDIDATES]
    return counters


def propose(name: str, totals: dict[str, int]) -> str:
    """The type of a new column from the summed counters of `fit_counters`."""
    present = totals.get("%s#present" % name, 0)
    if present == 0:
        return "string"
    return next((t for t in CANDIDATES if totals.get("%s#%s" % (name, t), 0) == present), "string")


def extend(
    contract: Contract | None, columns: Iterable[str], proposed: dict[str, str], partition: str | None
) -> Contract:
    """The contract with this batch's new columns appended; existing columns keep their types and order."""
    existing = list(contract.columns) if contract else []
    known = {c.name for c in existing}
    added = [Column(name, proposed[name]) for name in columns if name not in known]
    return Contract(
        tuple(existing + added), partition if partition is not None else (contract.partition if contract else None)
    )


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
