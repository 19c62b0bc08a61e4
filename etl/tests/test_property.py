"""The property of issue 21: every value a CSV writes is in the curated table as written, under its column's type,
or its row is in quarantine with its record; nothing is counted twice or lost; a source header always lands in the
same column.

Hypothesis generates one dataset of 1-3 files per example: random quoting, LF, CRLF and mixed line endings, headers
in several scripts that clash once normalised, repeated in one file and reordered between files, values at the
boundaries of each type, empties, and rows with fewer or more fields than the header. What each cell should become
comes from a small oracle of the documented rules (docs/conversion.md and lake/contract.py's docstring), written
here without the core's code.

npm test runs a bounded, derandomized number of examples; PROPERTY_EXAMPLES=200 runs more, and PROPERTY_SEED=<n>
other ones (random but repeatable).
"""

import datetime as dt
import json
import math
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from conftest import Lake
from hypothesis import HealthCheck, assume, event, example, given, seed, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "12"))
SEED = os.environ.get("PROPERTY_SEED")
DATASET = "ds"
LINEAGE = ("_upload_key", "_upload_version", "_upload_id")

# ---------------------------------------------------------------------------------------------------------------
# The oracle: the kind of a source text and the type a column's texts propose, as the docs state the rules.

INTEGER = re.compile(r"[+-]?(0|[1-9][0-9]*)")  # no leading zero: '08123' stays text
DECIMAL = re.compile(r"[+-]?((0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)")  # '10.50', '.5', '1.'
EXPONENT = re.compile(r"[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]{1,3}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,6}))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
EXACT = {"bigint", "integer", "decimal"}
MOST_DIGITS = 38  # a decimal's largest precision
DOUBLE_DIGITS = 15  # a double gives back every number of this many significant digits as written


def significant(text: str) -> int:
    """The digits of a number's mantissa without leading and trailing zeros."""
    return len(re.sub(r"[^0-9]", "", re.split(r"[eE]", text)[0]).strip("0"))


def integer_digits(text: str) -> int:
    return len(re.sub(r"[^0-9]", "", text.split(".")[0]).lstrip("0"))


def fraction_digits(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def as_date(text: str) -> dt.date | None:
    if not DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def as_timestamp(text: str) -> dt.datetime | None:
    """The instant of an ISO timestamp (UTC without an offset; an offset within +-18:00)."""
    match = TIMESTAMP.fullmatch(text)
    day = as_date(match.group(1)) if match else None
    if match is None or day is None:
        return None
    hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
    micros = int((match.group(5) or "").ljust(6, "0"))
    offset = match.group(6) or "Z"
    minutes = 0
    if offset != "Z":
        digits = offset[1:].replace(":", "")
        if int(digits[2:] or 0) > 59:
            return None
        minutes = (int(digits[:2]) * 60 + int(digits[2:] or 0)) * (-1 if offset[0] == "-" else 1)
    if hour > 23 or minute > 59 or second > 59 or abs(minutes) > 18 * 60:
        return None
    zone = dt.timezone(dt.timedelta(minutes=minutes))
    local = dt.datetime(day.year, day.month, day.day, hour, minute, second, micros, tzinfo=zone)
    return local.astimezone(dt.UTC)


def kind(text: str) -> str:
    if INTEGER.fullmatch(text):
        return "bigint" if len(text.lstrip("+-")) <= 18 else "integer"
    if DECIMAL.fullmatch(text):
        return "decimal"
    if EXPONENT.fullmatch(text):
        number = float(text)
        normal = abs(number) >= sys.float_info.min if number else significant(text) == 0
        return "exponent" if significant(text) <= DOUBLE_DIGITS and math.isfinite(number) and normal else "string"
    if as_date(text) is not None:
        return "date"
    return "timestamp" if as_timestamp(text) is not None else "string"


def proposed_type(texts: list[str]) -> str:
    """The type a new column's values propose (docs/conversion.md's table of types)."""
    kinds = {kind(t) for t in texts}
    if kinds == {"bigint"}:
        return "bigint"
    if kinds <= EXACT:
        scale = max(fraction_digits(t) for t in texts)
        precision = max(1, max(integer_digits(t) for t in texts) + scale)
        return "decimal(%d,%d)" % (precision, scale) if precision <= MOST_DIGITS else "string"
    if kinds <= EXACT | {"exponent"}:
        return "double" if max(significant(t) for t in texts) <= DOUBLE_DIGITS else "string"
    if kinds in ({"date"}, {"timestamp"}):
        return kinds.pop()
    return "string"


def holds(text: str | None, type_name: str, value: Any) -> bool:
    """Whether a curated value is its source text under the column's type (null for an empty source)."""
    if text is None or value is None:
        return text is None and value is None
    if type_name == "bigint":
        return type(value) is int and value == int(text)
    if type_name.startswith("decimal"):
        return isinstance(value, Decimal) and value == Decimal(text)
    if type_name == "double":
        # Equal to the text's double, and no digit lost: the double's shortest repr is the written number.
        return isinstance(value, float) and value == float(text) and Decimal(repr(value)) == Decimal(text)
    if type_name == "date":
        return type(value) is dt.date and value == as_date(text)
    if type_name == "timestamp":
        return isinstance(value, dt.datetime) and value.tzinfo is not None and value == as_timestamp(text)
    return value == text


def column_doc(source: tuple[str, int]) -> str:
    """The doc a column records its source header in (docs/conversion.md): 'CSV header "Prénom"'."""
    text, occurrence = source
    doc = "CSV header " + json.dumps(text, ensure_ascii=False)
    return doc if occurrence == 1 else "%s (occurrence %d)" % (doc, occurrence)


def sources(header: list[str]) -> list[tuple[str, int]]:
    """Each header field as (text, which occurrence of that text in the header)."""
    return [(text, header[:i].count(text) + 1) for i, text in enumerate(header)]


# ---------------------------------------------------------------------------------------------------------------
# The generated files: what each line holds and how it is written.


@dataclass(frozen=True)
class Cell:
    text: str
    quoted: bool

    def written(self) -> str:
        return '"%s"' % self.text.replace('"', '""') if self.quoted else self.text


@dataclass(frozen=True)
class Line:
    cells: tuple[Cell, ...]
    ending: str  # "\n", "\r\n", or "" for a last line without one

    def record(self) -> str:
        return ",".join(c.written() for c in self.cells)

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(frozen=True)
class CsvFile:
    key: str
    header: Line
    rows: tuple[Line, ...]

    def content(self) -> str:
        return "".join(line.record() + line.ending for line in (self.header, *self.rows))

    def width(self) -> int:
        return len(self.header.cells)

    def kept(self) -> list[Line]:
        return [r for r in self.rows if len(r.cells) <= self.width()]

    def quarantined(self) -> list[Line]:
        return [r for r in self.rows if len(r.cells) > self.width()]

    def values(self, row: Line) -> dict[tuple[str, int], str | None]:
        """A kept row's value of each source header of the file: '' (quoted or not) and a missing field are null."""
        texts = row.texts()
        return {s: (texts[i] or None) if i < len(texts) else None for i, s in enumerate(sources(self.header.texts()))}


HEADERS = [
    "id",
    "x",
    "a_b",
    "a b",
    "A B",
    "Prénom",
    "prenom",
    "Имя",
    "名前",
    "😀",
    "Ünit Price (€)",
    "2024 Total",
    'say "hi", ok',
    "two\r\nlines",
    "line\nbreak",
    " id",
    "",
    "%",
]
FILE_NAMES = ["a.csv", "b 2.csv", "Ünïcode %41.csv", "export 2024-01-01T10:00.csv"]


def digits(least: int, most: int) -> st.SearchStrategy[str]:
    """A natural number of least..most digits, without a leading zero."""
    return st.builds(
        lambda a, b: a + b, st.sampled_from("123456789"), st.text("0123456789", min_size=least - 1, max_size=most - 1)
    )


def signed(number: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda s, n: s + n, st.sampled_from(["", "", "-", "+"]), number)


def pointed(most_whole: int, most_fraction: int) -> st.SearchStrategy[str]:
    """A number with a point: '10.50', '0.5', '1.', '.5' (never a lone '.')."""
    whole = st.just("0") | digits(1, most_whole)
    return st.builds(lambda w, f: w + "." + f, whole, st.text("0123456789", max_size=most_fraction)) | st.builds(
        lambda f: "." + f, st.text("0123456789", min_size=1, max_size=most_fraction)
    )


def decimal_text() -> st.SearchStrategy[str]:
    return signed(pointed(22, 12))


def exponent_text() -> st.SearchStrategy[str]:
    # Mostly what a double holds; now and then the 15/16 significant digits boundary and beyond.
    mantissa = st.one_of(digits(1, 15), pointed(7, 7), digits(1, 15), pointed(7, 7), digits(15, 17))
    # Mostly small powers; now and then the edges of a double's normal range.
    power = st.one_of(*[st.integers(0, 30)] * 5, st.integers(295, 330))
    return st.builds(
        lambda s, m, e, es, p: s + m + e + es + str(p),
        st.sampled_from(["", "-", "+"]),
        mantissa,
        st.sampled_from("eE"),
        st.sampled_from(["", "-", "+"]),
        power,
    )


def timestamp_text() -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        moment = draw(st.datetimes(dt.datetime(1000, 1, 2), dt.datetime(9998, 12, 30)))
        text = moment.strftime("%Y-%m-%d") + draw(st.sampled_from("T ")) + moment.strftime("%H:%M")
        precision = draw(st.sampled_from(["minutes", "seconds", "fraction"]))
        if precision == "minutes":
            return text  # an offset only comes after seconds
        text += moment.strftime(":%S")
        if precision == "fraction":
            text += "." + moment.strftime("%f")[: draw(st.integers(1, 6))]
        hours, minutes = draw(st.integers(0, 18)), draw(st.integers(0, 59))
        minutes = 0 if hours == 18 else minutes
        sign = draw(st.sampled_from("+-"))
        offset = draw(
            st.sampled_from(["", "Z", "%s%02d:%02d" % (sign, hours, minutes), "%s%02d%02d" % (sign, hours, minutes)])
            | st.just("%s%02d" % (sign, hours))
        )
        return text + offset

    return build()


TEXT = 'abzAZ0189 .,-+:/"\n\r\téЖ名😀\ufffd'  # no 'e': exponents come from their own strategy
VALUES: dict[str, st.SearchStrategy[str]] = {
    "bigint": signed(digits(1, 18) | digits(17, 18)) | st.sampled_from(["0", "-0", "+0"]),
    "integer": signed(digits(19, 24) | digits(37, 40)),  # decimal; more than 38 digits: string
    "leading zero": st.builds(lambda n: "0" + n, digits(1, 5)) | st.sampled_from(["00", "-01", "007.5"]),
    "decimal": decimal_text(),
    "exponent": exponent_text(),
    "date": st.one_of(
        st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
        st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
        st.sampled_from(["2024-02-30", "2023-02-29", "2024-13-01"]),
    ),
    "timestamp": timestamp_text(),
    "text": st.one_of(
        st.text(TEXT, max_size=8),
        # The characters that need quoting, or that the reader could take as part of a line ending, at the end.
        st.builds(
            lambda t, end: t + end, st.text(TEXT, max_size=4), st.sampled_from(["\r", "\n", "\r\n", '"', ",", " "])
        ),
        st.sampled_from(["NULL", "N/A", "1,5", " 42", "42 ", "NaN", "Infinity", "1.5d", "\r", 'a""b', "\ufffd"]),
    ),
}
KINDS = sorted(VALUES)
# A column's values: of one kind, or mixed with others. Text more often: quoting and line breaks are at stake there.
FLAVOURS = KINDS + ["text", "text"] + ["mixed " + k for k in KINDS]


@st.composite
def cell_text(draw: st.DrawFn, flavour: str) -> str:
    """Mostly a value of the column's flavour; sometimes empty; in a mixed column, sometimes any other kind."""
    pick = draw(st.integers(0, 9))
    if pick == 0:
        return ""
    if pick == 1 and flavour.startswith("mixed "):
        return draw(VALUES[draw(st.sampled_from(KINDS))])
    return draw(VALUES[flavour.removeprefix("mixed ")])


def cell(text: str, draw: st.DrawFn, alone: bool = False) -> Cell:
    """Quoted when it must be (comma, quote, line break; an empty field alone on its line would be a blank line),
    at random otherwise."""
    must = any(c in text for c in ',"\r\n') or (alone and text == "")
    return Cell(text, must or draw(st.booleans()))


def last_present(line: Line, width: int) -> int | None:
    """The position of a record's last field present as Spark reads it: a field not empty, or the unquoted last field
    of a CRLF line (the CR makes it present; after a closing quote the reader drops it); None when none is."""
    texts = line.texts()[:width]
    if line.ending == "\r\n" and len(line.cells) <= width and not line.cells[-1].quoted:
        texts[-1] += "\r"
    present = [i for i, t in enumerate(texts) if t]
    return present[-1] if present else None


def without_cr_lost(line: Line, width: int) -> Line:
    """The line, its last field present given a '.' after a CR that ends it: the core takes such a CR off as a line
    ending's, quoted or not (documented: docs/conversion.md, mixed line endings; tested by
    test_a_cr_ending_a_quoted_value_is_kept_unless_it_ends_the_records_last_field_present)."""
    last = last_present(line, width)
    if last is None or not line.cells[last].text.endswith("\r"):
        return line
    cells = list(line.cells)
    cells[last] = Cell(cells[last].text + ".", True)
    return Line(tuple(cells), line.ending)


@st.composite
def lines(draw: st.DrawFn, flavours: list[str], style: str) -> Line:
    """A row: as wide as the header, or with fewer fields, or with more."""
    width = len(flavours)
    shape = draw(st.integers(0, 7))
    count = width
    if shape == 0 and width > 1:
        count = draw(st.integers(1, width - 1))
    elif shape == 1:
        count = width + draw(st.integers(1, 2))
    texts = [draw(cell_text(flavours[i] if i < width else draw(st.sampled_from(KINDS)))) for i in range(count)]
    return Line(tuple(cell(t, draw, alone=count == 1) for t in texts), draw(ending(style)))


def ending(style: str) -> st.SearchStrategy[str]:
    return st.sampled_from(["\n", "\r\n"]) if style == "mixed" else st.just(style)


@st.composite
def datasets(draw: st.DrawFn) -> list[CsvFile]:
    pool = draw(st.lists(st.sampled_from(HEADERS), min_size=2, max_size=6))  # a header may repeat
    flavour = {s: draw(st.sampled_from(FLAVOURS)) for s in sources(pool)}
    names = draw(st.lists(st.sampled_from(FILE_NAMES), min_size=1, max_size=3, unique=True))
    files: list[CsvFile] = []
    for name in names:
        order = draw(st.permutations(pool))
        header = order if draw(st.booleans()) else order[: draw(st.integers(1, len(pool)))]
        style = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
        written = [Line(tuple(cell(t, draw, alone=len(header) == 1) for t in header), draw(ending(style)))]
        # At least one row in the first file (a dataset of header-only files is a case of its own, seldom needed).
        written += draw(
            st.lists(lines([flavour[s] for s in sources(header)], style), min_size=0 if files else 1, max_size=6)
        )
        if draw(st.booleans()):  # the last line without a line ending
            written[-1] = Line(written[-1].cells, "")
        rows = tuple(without_cr_lost(r, len(header)) for r in written[1:])
        csv = CsvFile("%s/%s" % (DATASET, name), written[0], rows)
        # A line equal to the header is quarantined as repeated_header: documented, not generated.
        header_values = {s: s[0] or None for s in sources(header)}
        assume(all(csv.values(r) != header_values for r in csv.kept()))
        files.append(csv)
    return files


# ---------------------------------------------------------------------------------------------------------------
# The property.


def check(lake: Lake, files: list[CsvFile]) -> None:
    spark = lake.spark
    for f in files:
        lake.csv(f.key, f.content())
    report = lake.dataset(lake.convert(), DATASET)

    # What should come out, from the generated rows alone.
    texts: dict[tuple[str, int], list[str]] = {}
    for f in files:
        for row in f.kept():
            for source, text in f.values(row).items():
                if text is not None:
                    texts.setdefault(source, []).append(text)
    types = {source: proposed_type(values) for source, values in texts.items()}
    read = sum(len(f.rows) for f in files)
    quarantined = sum(len(f.quarantined()) for f in files)
    for type_name in types.values():  # what the examples covered (pytest --hypothesis-show-statistics)
        event("a %s column" % type_name.split("(")[0])
    event("%d files, %s rows" % (len(files), "no" if not read else "1-5" if read < 6 else "6 or more"))

    # Counts: every record read once, each written or quarantined.
    assert report["rows_read"] == read, report
    assert report["rows_written"] == read - quarantined, report
    assert report["rows_quarantined"] == ({"too_many_fields": quarantined} if quarantined else {}), report
    assert report["rows_read"] == report["rows_written"] + sum(report["rows_quarantined"].values())

    # Columns: one per source header that has a value, recorded in its doc, typed as the rules propose.
    curated = lake.name(DATASET)
    fields = [f for f in spark.table(curated).schema.fields] if spark.catalog.tableExists(curated) else []
    data = [f for f in fields if f.name not in LINEAGE]
    by_doc = {f.metadata.get("comment"): f for f in data}
    assert len(by_doc) == len(data), "two columns with one doc: %s" % data
    assert set(by_doc) == {column_doc(s) for s in types}, "columns %s for sources %s" % (sorted(by_doc), types)
    column = {s: by_doc[column_doc(s)].name for s in types}
    for source, type_name in types.items():
        assert by_doc[column_doc(source)].dataType.simpleString() == type_name, (source, texts[source])
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", column[source]), column[source]
        if source[1] == 1 and re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", source[0]):
            assert column[source] == source[0], "a header written as its own name keeps it"
    assert {c["name"]: c["type"] for c in report["columns"]} == {f.name: f.dataType.simpleString() for f in data}

    # Values: each kept record is one curated row holding each source cell in its source header's column.
    table = lake.table(DATASET).to_pylist() if fields else []
    assert len(table) == report["rows_written"]
    for f in files:
        actual = [r for r in table if r["_upload_key"] == f.key]
        missing = []
        for row in f.kept():
            expected = f.values(row)
            cells = {column[s]: (t, types[s]) for s, t in expected.items() if s in column}
            match = next(
                (
                    r
                    for r in actual
                    if all(holds(*cells[n], r[n]) if n in cells else r[n] is None for n in column.values())
                ),
                None,
            )
            if match is None:
                missing.append(expected)
            else:
                actual.remove(match)
        assert not missing and not actual, "%s: rows not in the table as written %s; rows the table has instead %s" % (
            f.key,
            missing,
            actual,
        )

    # Quarantine: each record with more fields than its header, once, with its raw record and its values as read.
    table_q = "%s.quarantine.%s" % (lake.catalog, DATASET)
    rows_q = [r.asDict() for r in spark.table(table_q).collect()] if spark.catalog.tableExists(table_q) else []
    assert len(rows_q) == quarantined, rows_q
    assert {r["_reason"] for r in rows_q} <= {"too_many_fields"}, rows_q
    for f in files:
        actual_q = [r for r in rows_q if r["_upload_key"] == f.key]
        assert Counter(r["_raw_record"] for r in actual_q) == Counter(r.record() for r in f.quarantined()), f.key
        for r in actual_q:
            line = next(x for x in f.quarantined() if x.record() == r["_raw_record"])
            record = json.loads(r["_record"])
            read_values = [t or None for t in line.texts()[: f.width()]]
            assert sorted(v for v in record.values() if v is not None) == sorted(v for v in read_values if v), record
            for source, value in zip(sources(f.header.texts()), read_values, strict=True):
                if source in column:
                    assert record[column[source]] == value, (record, source, value)


def by_hand(key: str, header: list[str], rows: list[list[str]], endings: list[str]) -> CsvFile:
    """A file for @example: a field quoted where it must be, and where it starts with a digit (quoting a number
    does not make it text); the lines' endings taken from `endings` in turn."""

    def line(texts: list[str], n: int) -> Line:
        quote = re.compile(r'[,"\r\n]|^[0-9]')
        return Line(tuple(Cell(t, bool(quote.search(t))) for t in texts), endings[n % len(endings)])

    return CsvFile(key, line(header, 0), tuple(line(r, n + 1) for n, r in enumerate(rows)))


# Every boundary of the brief in one dataset, so that each run checks them whatever Hypothesis draws.
BY_HAND = [
    by_hand(
        "ds/a.csv",
        ["id", "a b", "a_b", "A B", "Имя", "名前", "x", "x", "big"],
        [
            [
                "123456789012345678",
                "10.50",
                "1.5e3",
                "1.5e3",
                "2024-01-31",
                "2024-01-31T10:00:00+01:00",
                "08123",
                "a",
                "12345678901234567890",
            ],
            [
                "-7",
                ".5",
                "-2.5E-3",
                "1234567890123456e1",
                "1582-10-04",
                "2024-01-31 10:00",
                'say "hi", ok',
                "",
                "-1234567890123456789",
            ],
            ["0", "1.", "123456789012345e2", "", "", "2024-02-29T23:59:59.123456Z", "line\r\nbreak", "9", ""],
            ["1", "-0.01"],
            ["2", "", "", "", "", "", "", "", "", "too many"],
        ],
        ["\r\n"],
    ),
    by_hand(
        "ds/b 2.csv",
        ["big", "x", "名前", "a_b", "id", "x", "a b"],
        [
            [
                "99999999999999999999999",
                "Prénom",
                "1999-12-31T23:59:59-0530",
                "0e0",
                "-999999999999999999",
                "00",
                "0.0",
            ],
            ["", "", "", "", "", "", ""],
            ["1", "two\nlines", "2000-01-01T00:00:00.5+18:00"],
        ],
        ["\n", "\r\n"],
    ),
]


def seeded(test):
    return seed(int(SEED))(test) if SEED else test


@seeded
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(files=datasets())
@example(files=BY_HAND)
def test_every_value_is_written_as_the_csv_wrote_it_or_quarantined(spark, tmp_path_factory, files):
    # A fresh lake for each example: a function-scoped fixture would be shared by all of them.
    check(Lake(spark, tmp_path_factory.mktemp("property")), files)


def test_a_cr_ending_a_quoted_value_is_kept_unless_it_ends_the_records_last_field_present(lake):
    # The documented limit (docs/conversion.md, mixed line endings): the parser does not say which fields were
    # quoted, so a quoted value ending in a CR that is its record's last field present loses it (rows 1, 2 and 4);
    # followed by a quoted empty field (row 3) or in another column (b of row 5) it stays.
    lake.csv("cr/a.csv", 'id,a,b\n1,"x\r"\n2,"y\r",\n3,"w\r",""\r\n5,"v\r","u\r\r"\r\n4,"z\r"')
    lake.convert()
    rows = [(r["id"], r["a"], r["b"]) for r in lake.rows("cr", "id")]
    assert rows == [(1, "x", None), (2, "y", None), (3, "w\r", None), (4, "z", None), (5, "v\r", "u\r")]
