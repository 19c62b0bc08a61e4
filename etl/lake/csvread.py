"""One read of a dataset's uploads with Spark's CSV reader, every field a string, each row tagged with its file.

Spark maps a CSV file's fields to the schema by position, and the files of one dataset may have different headers
(a column added later, columns in another order), so the uploads are grouped by header and each group is read with
its own schema, each field named by the column of its source header (names.py); the groups are then aligned by
column name. Only the header record of each file is read outside Spark.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from pyspark.sql import Column as SparkColumn
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from .names import HeaderField, sources_of
from .ports import Upload

FILE = "__file"  # the URI Spark read the row from (URL-encoded)
RAW = "__raw"  # the record as it was in the file, when Spark could not map it to the header
LAST = "__last"  # the position of a record's last field present
PARSE = "__parse"  # why the record cannot be used as it is: unparsable | too_many_fields, else null

# Explicit options, so the reader does not depend on Spark's defaults (docs: "CSV Files", Data HeaderField Option).
CSV_OPTIONS = {
    "header": "true",  # the first record is the header; the schema gives the names, by position
    "multiLine": "true",  # a quoted field may hold line breaks (LF or CRLF); a file is read by one task
    # Records end at LF. Left unset, the parser takes the first line's ending for the whole file, and a file whose
    # header ends CRLF and whose rows end LF was one record. A CRLF line's CR is then the end of its last field, and
    # is taken off there (without_line_end_cr); a line break inside quotes stays as written, CRLF or LF.
    "lineSep": "\n",
    "quote": '"',
    "escape": '"',  # RFC 4180: a quote inside a quoted field is doubled
    "mode": "PERMISSIVE",
    "columnNameOfCorruptRecord": RAW,
    "encoding": "UTF-8",
    "ignoreLeadingWhiteSpace": "false",
    "ignoreTrailingWhiteSpace": "false",
    # An unquoted empty field is null; a quoted one ("") is '' here, so that it counts as a field present (a CRLF
    # line's CR is taken off the last field present), and becomes null below. The parser gives nullValue for the
    # first, so it must be a text no file holds.
    "nullValue": "\u0000lake-null\u0000",
    "emptyValue": "",
    # The parser's read-ahead: 64 KiB rather than its 1 MiB, so that the types' sample (the first rows of one file)
    # reads little more than those rows.
    "inputBufferSize": "65536",
}


# The most columns a file may have. Every column is several expressions of the one pass (its kind, digits, checks),
# a typed field of the Parquet rows and a field of the table's schema in every commit's metadata: a 25,000-column
# header ran for minutes without a result, 1,000 columns exhausted a 2 GB driver; 250 convert in about 30 s (on the
# tests' 2-core session). Wider data is rejected with this limit named, before anything is read or written.
MAX_COLUMNS = 250


class UnreadableUpload(Exception):
    """An upload that cannot be read as text; the message names the file."""


def read_header(stream: IO[str]) -> list[str] | None:
    """The first record of a CSV text stream (RFC 4180 quoting), or None for an empty file."""
    for record in csv.reader(stream):
        if record:
            return record
    return None


def header_of(open_text, upload: Upload) -> list[str] | None:
    """Reads an upload's header through the shell's `open_text`; any failure names the upload."""
    try:
        with open_text(upload) as stream:
            header = read_header(stream)
    except (OSError, UnicodeError, csv.Error) as err:
        raise UnreadableUpload("%s: cannot read %s as UTF-8 CSV: %s" % (upload.dataset, upload.key, err)) from err
    if header is not None and len(header) > MAX_COLUMNS:
        raise UnreadableUpload(
            "%s: %s has %d columns in its header; at most %d are converted (split it into files of fewer columns)"
            % (upload.dataset, upload.key, len(header), MAX_COLUMNS)
        )
    return header


def _quote_count(text: SparkColumn) -> SparkColumn:
    return F.length(text) - F.length(F.regexp_replace(text, '"', ""))


def field_count(raw: SparkColumn) -> SparkColumn:
    """The number of fields in a raw CSV record: its commas outside quoted fields, plus one."""
    unquoted = F.regexp_replace(raw, '"(?:[^"]|"")*+"', "")
    return F.length(unquoted) - F.length(F.regexp_replace(unquoted, ",", "")) + 1


def parse_problem(raw: SparkColumn, header_width: int) -> SparkColumn:
    """Why a record Spark flagged cannot be used: a quote left open, more fields than the header, else null.

    Spark flags a record whose field count differs from the header's. A record with fewer fields is kept: its
    missing columns are null.
    """
    fields = field_count(raw)
    return (
        F.when(raw.isNull(), F.lit(None).cast("string"))
        .when(_quote_count(raw) % 2 == 1, F.lit("unparsable"))
        .when(fields > header_width, F.lit("too_many_fields"))
        .when(fields == header_width, F.lit("unparsable"))
    )


def glob_escaped(path: str) -> str:
    """A path Spark reads literally: Hadoop expands {} [] * ? in paths, unless escaped with a backslash."""
    return re.sub(r"([{}\[\]*?\\])", r"\\\1", path)


def read_group(
    spark: SparkSession, uploads: list[Upload], header: list[str], names: list[str], nulls: tuple[str, ...] = ()
) -> DataFrame:
    """The uploads sharing one header: its columns (`names`, in order) as strings, '' and the `nulls` texts as null,
    the file and parse problem."""
    positional = ["c%d" % i for i in range(len(header))]
    schema = T.StructType([T.StructField(c, T.StringType()) for c in positional] + [T.StructField(RAW, T.StringType())])
    frame = spark.read.options(**CSV_OPTIONS).schema(schema).csv([glob_escaped(u.uri) for u in uploads])
    # Each step's columns are computed once, in a projection of their own: written as one nested expression, every
    # use of a field repeats its whole derivation, and past Spark's generated-method size limit the stage runs
    # interpreted (measured: twice the plain read's time on the benchmark's 100 MB).
    # The file as _metadata.file_path, deterministic, unlike input_file_name(): MERGE needs it.
    frame = frame.select(*positional, RAW, F.col("_metadata.file_path").alias(FILE), last_present(positional))
    frame = frame.select(*[without_line_end_cr(p, i).alias(p) for i, p in enumerate(positional)], FILE, RAW)
    # A record repeating the header (files concatenated with their headers, an export appended to): not data.
    same = [
        F.when(F.col(p) == "", F.lit(None)).otherwise(F.col(p)).eqNullSafe(F.lit(text if text != "" else None))
        for p, text in zip(positional, header, strict=True)
    ]
    repeated = F.least(*same, F.lit(True), F.lit(True))  # every field the same (flat: a nested AND is slow to plan)
    values = [
        F.when(F.col(p).isin("", *nulls), F.lit(None)).otherwise(F.col(p)).alias(n)
        for p, n in zip(positional, names, strict=True)
    ]
    return frame.select(
        *values,
        F.col(FILE),
        F.col(RAW),
        F.coalesce(parse_problem(F.col(RAW), len(header)), F.when(repeated, F.lit("repeated_header"))).alias(PARSE),
    )


def last_present(fields: list[str]) -> SparkColumn:
    """The 1-based position of a record's last field present (a record with fewer fields than the header ends
    earlier); 0 when none is. A chain of plain conditions: an array and a lambda per record cost a second a
    hundred megabytes."""
    position = F.when(F.lit(False), F.lit(0))  # one flat CASE WHEN, last field first (a nested one is slow to plan)
    for i in reversed(range(len(fields))):
        position = position.when(F.col(fields[i]).isNotNull(), F.lit(i + 1))
    return position.otherwise(F.lit(0)).alias(LAST)


def without_line_end_cr(name: str, position: int) -> SparkColumn:
    """A field with the CR of a CRLF line ending taken off when it is its record's last field present. Only a CR that
    ends the record goes; the parser has already dropped one following a closing quote, and a quoted empty field
    ("") is present. A quoted last value that itself ends in a CR looks the same as an unquoted one followed by a
    CRLF ending, and loses that CR: the parser does not say which fields were quoted."""
    field = F.col(name)
    ends = (F.col(LAST) == position + 1) & field.endswith("\r")
    return F.when(ends, field.substr(F.lit(1), F.length(field) - 1)).otherwise(field)


def read_uploads(
    spark: SparkSession, headers: dict[Upload, list[str]], naming: dict[HeaderField, str], nulls: tuple[str, ...] = ()
) -> tuple[DataFrame, list[str]]:
    """All uploads with a header, read once, each header's fields put in the columns `naming` gives their source
    headers; returns the rows and the column names in order of appearance."""
    groups: dict[tuple[str, ...], list[Upload]] = {}
    for upload, header in headers.items():
        groups.setdefault(tuple(header), []).append(upload)
    frames, columns = [], []
    for shared, uploads in groups.items():
        names = [naming[s] for s in sources_of(list(shared))]
        frames.append(read_group(spark, uploads, list(shared), names, nulls))
        columns += [n for n in names if n not in columns]
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other, allowMissingColumns=True)
    return frame.select(*columns, FILE, RAW, PARSE), columns


SUSPECT = "#suspect"  # a file whose values hold U+FFFD or a line break: its bytes are checked (check_file)


def suspect(columns: list[str]) -> SparkColumn:
    """Whether a row tells its file to be checked: a value (or raw record) holding U+FFFD, which the reader makes of
    bytes that are not UTF-8, or a line break, which a quote never closed makes of the lines after it. A byte search
    per value (no regular expression, no concatenated copy of the record)."""
    tests = [v.contains(t) for v in [F.col(c) for c in columns] + [F.col(RAW)] for t in ("\n", "\r", "\ufffd")]
    return F.coalesce(F.greatest(*tests, F.lit(False)), F.lit(False))  # flat: a nested OR is slow to plan


def suspicions(columns: list[str]) -> list[SparkColumn]:
    """The aggregate telling a group's file to check (suspect)."""
    return [F.max(suspect(columns)).alias(SUSPECT)]


@dataclass(frozen=True)
class FileProblem:
    """Why a whole file's rows cannot be trusted: its reason, the detail naming the line or byte, and how many source
    records the rows Spark made of it stand for beyond themselves (an unclosed quote makes one row of many lines)."""

    reason: str  # unclosed_quote | invalid_utf8
    detail: str
    extra_records: int = 0


def _lines(stream: IO[bytes], chunk: int = 1 << 20) -> Iterator[bytes]:
    """A byte stream's lines, each with its LF (a UTF-8 character never holds the LF byte, so each decodes alone)."""
    rest = b""
    while data := stream.read(chunk):
        parts = (rest + data).split(b"\n")
        rest = parts.pop()
        for part in parts:
            yield part + b"\n"
    if rest:
        yield rest


def _quote_open_after(line: str, open_: bool) -> bool:
    """Whether a quoted field is still open at the end of a line, as the parser reads quotes: a quote opens a field
    only at its start (the line's start outside quotes, or after a comma); inside, "" is a quote and " closes."""
    at = line.find('"')
    while at >= 0:
        if open_:
            if line.startswith('""', at):
                at = line.find('"', at + 2)
                continue
            open_ = False
        elif at == 0 or line[at - 1] == ",":
            open_ = True
        at = line.find('"', at + 1)
    return open_


def check_file(stream: IO[bytes]) -> FileProblem | None:
    """What the parsed values cannot show, read from the bytes: a byte that is not UTF-8 (the reader made it U+FFFD)
    or a quote never closed (the reader made everything after it one field). Called only for a file whose values
    hold U+FFFD or a line break, so clean files are read once."""
    offset, open_, start, lines, since_start = 0, False, 1, 0, 0
    for lines, raw in enumerate(_lines(stream), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            return FileProblem(
                "invalid_utf8",
                "byte offset %d (line %d) is not UTF-8: 0x%s; the file's rows are put aside"
                % (offset + err.start, lines, raw[err.start : err.start + 1].hex()),
            )
        if not open_:
            start, since_start = lines, 0
        since_start += line.strip("\r\n") != ""
        open_ = _quote_open_after(line.lstrip("\ufeff") if lines == 1 else line, open_)
        offset += len(raw)
    if open_:
        return FileProblem(
            "unclosed_quote",
            "line %d: a quote opened here is never closed, so the %d lines from it to the end of the file (line %d) "
            "are one field; the file's rows are put aside" % (start, since_start, lines),
            since_start - 1,
        )
    return None
