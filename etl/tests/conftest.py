"""One local SparkSession for every test (Spark takes seconds to start), and helpers to make and read lakes."""

import itertools
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lake.local import convert_folder
from lake.ports import Settings
from lake.session import local_session
from ledger_records import JOB_ARGS, LedgerBucket
from moto import mock_aws

# Spark keeps a catalog once loaded: each lake gets a catalog name of its own on the shared session.
CATALOG_NUMBERS = itertools.count(1)


def data_files(spark, table: str) -> list[Path]:
    """The data files of an Iceberg table's current snapshot (copy-on-write: no delete file may exist)."""
    files = spark.sql("SELECT content, file_path FROM %s.files" % table).collect()
    assert all(f["content"] == 0 for f in files), "a delete file: readers would have to merge it"
    # A location, not a URI to decode: a partition value's "/" is "%2F" in the folder's very name.
    return sorted(Path(re.sub(r"^file:/*", "/", f["file_path"])) for f in files)


def read_table(spark, table: str) -> pa.Table:
    """An Iceberg table's rows read back with pyarrow from the Parquet of its current snapshot, the files' schemas
    merged by column name (a file written before a column was added lacks it: null, as Iceberg reads it)."""
    paths = [str(p) for p in data_files(spark, table)]
    if not paths:
        return pa.table({f.name: pa.array([], pa.string()) for f in spark.table(table).schema.fields})
    # Files written before a column was added lack it, and a decimal whose precision grew is narrower in older files:
    # "permissive" fills the one with nulls and widens the other, as Iceberg reads them.
    return pa.concat_tables([pq.read_table(p) for p in paths], promote_options="permissive")


def quarantined_rows(spark, table: str, reason: str) -> list[dict]:
    """The quarantine table's rows of one reason, each row's values (as read or typed) beside why and where from."""
    if not spark.catalog.tableExists(table):
        return []
    rows = spark.table(table).where("_reason = '%s'" % reason).orderBy("_upload_key", "_record").collect()
    return [{**json.loads(r["_record"]), **{k: v for k, v in r.asDict().items() if k != "_record"}} for r in rows]


@pytest.fixture(scope="session")
def spark():
    session = local_session("csv-to-parquet-tests", memory="2g", cores="2")
    yield session
    session.stop()


def write(path: Path, content, encoding: str = "utf-8") -> Path:
    """Writes a file exactly as given: text without newline translation, or bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with open(path, "w", encoding=encoding, newline="") as f:
            f.write(content)
    return path


NO_LIMIT = Settings(max_quarantined_percent=100)


class Lake:
    """An input folder and an output folder, converted with the local shell on the shared session."""

    # Tests of quarantine reasons quarantine a large share of a few rows: no limit unless a test sets one.
    def __init__(self, spark, root: Path, settings: Settings = NO_LIMIT):
        self.spark, self.input, self.output, self.settings = spark, root / "in", root / "out", settings
        self.runs = 0
        self.catalog = "lake%d" % next(CATALOG_NUMBERS)

    def csv(self, key: str, content, encoding: str = "utf-8") -> Path:
        return write(self.input / key, content, encoding)

    def convert(self, reprocess: bool = False) -> dict:
        self.runs += 1
        return convert_folder(
            lambda: self.spark,
            self.input,
            self.output,
            self.settings,
            "run%d" % self.runs,
            log=lambda line: None,
            catalog=self.catalog,
            reprocess=reprocess,
        )

    def dataset(self, report: dict, name: str) -> dict:
        return next(d for d in report["datasets"] if d["dataset"] == name)

    def name(self, table: str) -> str:
        return "%s.parquet.%s" % (self.catalog, table)

    def table(self, name: str) -> pa.Table:
        """The dataset's curated table read back with pyarrow from its current data files."""
        return read_table(self.spark, self.name(name))

    def rows(self, name: str, sort_by: str) -> list[dict]:
        return sorted(self.table(name).to_pylist(), key=lambda r: (r[sort_by] is None, r[sort_by]))

    def files(self, name: str) -> dict[str, int]:
        """The current data files of a dataset's table with their modification times (to see what a run rewrote)."""
        return {p.name: p.stat().st_mtime_ns for p in data_files(self.spark, self.name(name))}

    def quarantined(self, name: str, reason: str) -> list[dict]:
        return quarantined_rows(self.spark, "%s.quarantine.%s" % (self.catalog, name), reason)

    def state(self) -> dict:
        return json.loads((self.output / "state.json").read_text(encoding="utf-8"))


@pytest.fixture
def lake(spark, tmp_path):
    return Lake(spark, tmp_path)


@pytest.fixture
def bucket(spark, tmp_path, monkeypatch):
    """The Glue shell's AWS on moto (S3, the uploads ledger, Glue, CloudWatch), with a local copy for Spark."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        yield LedgerBucket(spark, tmp_path / "lake", JOB_ARGS)
