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
    merge,
    propose,
)
from .ports import Contract

SAMPLE_ROWS = 10_000


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
        picked = rows.filter(self.usable).limit(SAMPLE_ROWS)
        always = F.lit(True)
        found = picked.select(*[kind_column(c, always) for c in self.new_columns], *self.new_columns)
        row = found.agg(*[x for c in self.new_columns for x in kinds_seen(c)]).first()
        assert row is not None, "an aggregate without grouping has one row"
        self.sampled = {c: kinds_of(row, c) for c in self.new_columns}
        self.proposed = {c: propose(k) for c, k in self.sampled.items() if k.bits is not None}

    def _sparse(self) -> list[str]:
        return [c for c in self.new_columns if c not in self.proposed]

    def values(self) -> list[SparkColumn]:
        """Columns to add to the rows before counting: each sparse new column's kind per value."""
        return [kind_column(c, self.usable) for c in self._sparse()]

    def counters(self) -> list[SparkColumn]:
        """Aggregates per group of rows: kinds of sparse new columns, whether a value contradicts a proposal, the
        largest value of each decimal."""
        counters = [x for c in self._sparse() for x in kinds_seen(c)]
        for name, type_name in self.proposed.items():
            if type_name != "string":
                value = F.col(name)
                off = self.usable & value.isNotNull() & ~confirms(value, type_name)
                counters.append(F.max(F.coalesce(off, F.lit(False))).alias("%s#contradicted" % name))
            if decimal_of(type_name):
                counters.append(largest_of(name, type_name, self.usable))
        counters += [largest_of(name, type_name, self.usable) for name, type_name in self.decimals.items()]
        return counters

    def kinds(self, stats: list, rows: DataFrame) -> tuple[dict[str, Kinds], dict[str, int | None]]:
        """The new columns' kinds and the contract decimals' integer digits from the pass's `stats`; a contradicted
        proposal's column has every value's kind found in one more pass over `rows`."""
        kinds: dict[str, Kinds] = dict.fromkeys(self.new_columns, NO_VALUE)
        largest: dict[str, object] = {}
        contradicted = set()
        for s in stats:
            for name in self._sparse():
                kinds[name] = merge(kinds[name], kinds_of(s, name))
            for name in [*self.decimals, *(c for c, t in self.proposed.items() if decimal_of(t))]:
                value = s["%s#largest" % name]
                if value is not None and (largest.get(name) is None or value > largest[name]):
                    largest[name] = value
            contradicted |= {c for c, t in self.proposed.items() if t != "string" and s["%s#contradicted" % c]}
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
