"""One local SparkSession for every test (Spark takes seconds to start), and helpers to make and read lakes."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from lake.hadoopfs import HadoopSink
from lake.local import convert_folder
from lake.ports import Settings
from lake.session import local_session
from ledger_records import JOB_ARGS, LedgerBucket
from moto import mock_aws


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

    def csv(self, key: str, content, encoding: str = "utf-8") -> Path:
        return write(self.input / key, content, encoding)

    def convert(self) -> dict:
        self.runs += 1
        return convert_folder(
            lambda: self.spark, self.input, self.output, self.settings, "run%d" % self.runs, log=lambda line: None
        )

    def dataset(self, report: dict, name: str) -> dict:
        return next(d for d in report["datasets"] if d["dataset"] == name)

    def table(self, name: str) -> pa.Table:
        """The dataset's Parquet read back with pyarrow, Hive partition folders decoded, the files' schemas merged
        by column name (an upload converted before a column was added lacks it, as Athena reads it: null)."""
        found = pads.dataset(str(self.output / "parquet" / name), format="parquet", partitioning="hive")
        merged = pa.unify_schemas([found.schema] + [f.physical_schema for f in found.get_fragments()])
        return found.replace_schema(merged).to_table()

    def rows(self, name: str, sort_by: str) -> list[dict]:
        return sorted(self.table(name).to_pylist(), key=lambda r: (r[sort_by] is None, r[sort_by]))

    def files(self, name: str) -> dict[str, int]:
        """Parquet files of a dataset with their modification times (to see what a run rewrote)."""
        folder = self.output / "parquet" / name
        return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*.parquet")}

    def quarantined(self, name: str, reason: str) -> list[dict]:
        folder = self.output / "quarantine" / name
        return [
            json.loads(line)
            for p in sorted(folder.glob("*/%s/*.json" % reason))
            for line in p.read_text(encoding="utf-8").splitlines()
            if line
        ]

    def state(self) -> dict:
        return json.loads((self.output / "state.json").read_text(encoding="utf-8"))


@pytest.fixture
def lake(spark, tmp_path):
    return Lake(spark, tmp_path)


def crash_at_publish(monkeypatch, run, fail_at: int, raises: bool = True):
    """Runs `run` with the sink failing on its fail_at-th move into place (a worker lost mid-run), then restores it;
    returns what `run` returned when it is expected to report the failure rather than raise it."""
    real, calls = HadoopSink.publish, []

    def crashing(self, staged, final):
        calls.append(final)
        if len(calls) == fail_at:
            raise OSError("worker lost while publishing")
        real(self, staged, final)

    monkeypatch.setattr(HadoopSink, "publish", crashing)
    try:
        if not raises:
            return run()
        with pytest.raises(OSError):
            run()
    finally:
        monkeypatch.setattr(HadoopSink, "publish", real)


@pytest.fixture
def bucket(spark, tmp_path, monkeypatch):
    """The Glue shell's AWS on moto (S3, the uploads ledger, Glue, CloudWatch), with a local copy for Spark."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        yield LedgerBucket(spark, tmp_path / "lake", JOB_ARGS)
