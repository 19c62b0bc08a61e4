"""A batch's column types, found within its one pass over the rows.

A new column's type is what the kinds of all its usable values propose (contract.py). Testing every value against
every kind's pattern cost several times the read itself, so a sample of the batch's usable rows proposes the type,
and the pass tests each value only against that type (`confirms`: one cast and comparison for most values). Where
every value confirms it, the whole batch's kinds propose the same type, a decimal's precision grown to the largest
value; a column with a value that does not confirm it is looked at again, every value's kind, in one more pass over
the persisted rows (not the input). A new column without a value in the sample has every value's kind counted in
the pass. A decimal column of the contract has its largest value found in the pass, to grow its precision.
"""

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .contract import (
    NO_VALUE,
    Kinds,
    confirms,
    decimal_of,
    integer_digits_of,
    kind_column,
    kinds_of,
    kinds_seen,
    largest_of,
    magnitude_of,
    merge,
    propose,
)
from .ports import Contract

SAMPLE_ROWS = 1_000


class Inference:
    """The counters one pass over `rows` needs for the types of its columns, and the kinds they add up to."""

    def __init__(self, contract: Contract | None, columns: list[str], usable: SparkColumn):
        self.usable = usable
        self.new_columns = [c for c in columns if contract is None or contract.type_of(c) is None]
        self.decimals = {
            c: t for c in columns if contract is not None and decimal_of(t := contract.type_of(c) or "") is not None
        }
        self.sampled: dict[str, Kinds] = {}
        self.proposed: dict[str, str] = {}  # new columns with a value in the sample: the type it proposes

    def sample(self, rows: DataFrame) -> None:
        """The new columns' kinds in the first SAMPLE_ROWS usable rows, and the types they propose."""
        if not self.new_columns:
            return
        # Collected, so that Spark reads the first file's first rows only (a limit under an aggregate would read as
        # many rows of every file), then looked at as (column, value) pairs: one kind expression however many
        # columns (a column's expressions each are slow to plan on a wide file).
        picked = rows.filter(self.usable).select(*self.new_columns).limit(SAMPLE_ROWS).collect()
        pairs = [(c, v) for r in picked for c, v in zip(self.new_columns, r, strict=True) if v is not None]
        found = {c: NO_VALUE for c in self.new_columns}
        if pairs:
            values = rows.sparkSession.createDataFrame(pairs, "column string, v string")
            kinds = values.select("column", "v", kind_column("v", F.lit(True))).groupBy("column").agg(*kinds_seen("v"))
            found.update({r["column"]: kinds_of(r, "v") for r in kinds.collect()})
        self.sampled = found
        self.proposed = {c: propose(k) for c, k in self.sampled.items() if k.bits is not None}

    def _sparse(self) -> list[str]:
        return [c for c in self.new_columns if c not in self.proposed]

    def _decimals(self) -> dict[str, str]:
        """The batch's decimal columns, of the contract or proposed, with their types."""
        return {**self.decimals, **{c: t for c, t in self.proposed.items() if decimal_of(t)}}

    def values(self) -> list[SparkColumn]:
        """Columns to add to the rows before counting, computed once per row: each sparse new column's kind, whether
        a value contradicts its column's proposal, each decimal's magnitude."""
        values = [kind_column(c, self.usable) for c in self._sparse()]
        for name, type_name in self.proposed.items():
            if type_name != "string":
                value = F.col(name)
                off = self.usable & value.isNotNull() & ~confirms(value, type_name)
                values.append(F.coalesce(off, F.lit(False)).alias("%s#off" % name))
        values += [magnitude_of(name, type_name, self.usable) for name, type_name in self._decimals().items()]
        return values

    def counters(self) -> list[SparkColumn]:
        """Aggregates per group of rows (over `values`): kinds of sparse new columns, whether a value contradicts a
        proposal, the largest value of each decimal."""
        counters = [x for c in self._sparse() for x in kinds_seen(c)]
        for name, type_name in self.proposed.items():
            if type_name != "string":
                counters.append(F.max(F.col("%s#off" % name)).alias("%s#contradicted" % name))
        counters += [largest_of(name) for name in self._decimals()]
        return counters

    def _contradicted(self, stats: list) -> set[str]:
        """The new columns with a value in the pass's `stats` that contradicts their sampled type."""
        return {c for s in stats for c, t in self.proposed.items() if t != "string" and s["%s#contradicted" % c]}

    def unsettled(self, stats: list) -> bool:
        """Whether the pass's `stats` leave a type to find from every value: a value contradicting its column's
        sampled type, or a value in a column the sample had none in."""
        sparse_values = any(s["%s#bits" % c] is not None for s in stats for c in self._sparse())
        return sparse_values or bool(self._contradicted(stats))

    def kinds(self, stats: list, rows: DataFrame) -> tuple[dict[str, Kinds], dict[str, int | None]]:
        """The new columns' kinds and the contract decimals' integer digits from the pass's `stats`; a contradicted
        proposal's column has every value's kind found in one more pass over `rows`."""
        kinds: dict[str, Kinds] = dict.fromkeys(self.new_columns, NO_VALUE)
        largest: dict[str, object] = {}
        contradicted = self._contradicted(stats)
        for s in stats:
            for name in self._sparse():
                kinds[name] = merge(kinds[name], kinds_of(s, name))
            for name in self._decimals():
                value = s["%s#largest" % name]
                if value is not None and (largest.get(name) is None or value > largest[name]):
                    largest[name] = value
        digits = {name: integer_digits_of(largest.get(name)) for name in self.decimals}
        for name, type_name in self.proposed.items():
            if name in contradicted:
                continue
            found = self.sampled[name]
            if decimal_of(type_name):
                integer = integer_digits_of(largest.get(name))
                found = found._replace(integer_digits=max(found.integer_digits or 0, integer or 0))
            kinds[name] = found
        if contradicted:
            names = sorted(contradicted)
            every = rows.select(*[kind_column(c, self.usable) for c in names], *names)
            row = every.agg(*[x for c in names for x in kinds_seen(c)]).first()
            assert row is not None, "an aggregate without grouping has one row"
            kinds.update({c: kinds_of(row, c) for c in names})
        return kinds, digits
