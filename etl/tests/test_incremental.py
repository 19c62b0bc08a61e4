"""Runs after runs: nothing converted twice, a changed file replaces its rows, a run killed anywhere loses and
doubles nothing, and no snapshot of a table ever holds two versions of one upload."""

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import data_files
from lake.convert import DatasetConversion
from lake.ports import Settings

KILLED_RUN = Path(__file__).with_name("killed_run.py")


def touch(path: Path) -> None:
    """A later modification time, as an editor saving the file gives it."""
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))


def counts(lake, name: str) -> dict[int, int]:
    seen: dict[int, int] = {}
    for row in lake.table(name).to_pylist():
        seen[row["id"]] = seen.get(row["id"], 0) + 1
    return seen


def test_a_second_run_with_nothing_changed_converts_and_rewrites_nothing(lake):
    lake.csv("a/1.csv", "id,v\n1,x\n2,y\n")
    lake.convert()
    before = lake.files("a")
    report = lake.dataset(lake.convert(), "a")
    assert report["status"] == "unchanged" and report["files"] == [] and report["bytes_read"] == 0
    assert lake.files("a") == before


def test_a_changed_file_replaces_its_rows_and_a_new_file_adds_its_own(lake):
    path = lake.csv("a/1.csv", "id,v\n1,old\n2,old\n")
    lake.csv("a/2.csv", "id,v\n10,keep\n")
    assert lake.dataset(lake.convert(), "a")["data_bytes_rewritten"] == 0, "an append reads no data file"
    [first] = data_files(lake.spark, lake.name("a"))
    lake.csv("a/1.csv", "id,v\n1,new\n3,new\n")
    touch(path)
    lake.csv("a/3.csv", "id,v\n20,added\n")
    report = lake.dataset(lake.convert(), "a")
    assert report["files"] == ["a/1.csv", "a/3.csv"]
    assert [(r["id"], r["v"]) for r in lake.rows("a", "id")] == [(1, "new"), (3, "new"), (10, "keep"), (20, "added")]
    assert report["data_files_removed"] == 1, "the old version's file is out of the table"
    assert report["data_bytes_rewritten"] == first.stat().st_size, "the one file holding a/1.csv, read and rewritten"


def test_a_crash_after_one_dataset_of_two_then_a_rerun_writes_each_row_once(lake, monkeypatch):
    lake.csv("first/1.csv", "id\n1\n2\n")
    lake.csv("second/1.csv", "id\n3\n4\n")
    real_run = DatasetConversion.run

    def crash_on_second(self, uploads, headers):
        if self.dataset == "second":
            raise RuntimeError("crash")
        return real_run(self, uploads, headers)

    monkeypatch.setattr(DatasetConversion, "run", crash_on_second)
    with pytest.raises(RuntimeError):
        lake.convert()
    monkeypatch.setattr(DatasetConversion, "run", real_run)
    report = lake.convert()
    assert lake.dataset(report, "first")["status"] == "unchanged"
    assert lake.dataset(report, "second")["status"] == "written"
    assert counts(lake, "first") == {1: 1, 2: 1} and counts(lake, "second") == {3: 1, 4: 1}


def killed(lake, point: str) -> None:
    """`npm run local` on the lake, in its own process, killed with SIGKILL at `point` (see killed_run.py)."""
    result = subprocess.run(
        [sys.executable, str(KILLED_RUN), point, "--input", str(lake.input), "--output", str(lake.output)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr


def version_rows(n: int, version: str, bad: str) -> str:
    """A file of ids 1..n in version `version`, and one row with a field too many (quarantined)."""
    return "id,v\n" + "".join("%d,%s\n" % (i, version) for i in range(1, n + 1)) + bad + "\n"


@pytest.mark.parametrize("point", ["after-quarantine", "during-commit", "after-commit"])
def test_a_run_killed_then_run_again_leaves_each_upload_once_at_its_latest_version(lake, point):
    lake.settings = Settings()  # what the killed process applies: the defaults
    first = lake.csv("d/1.csv", version_rows(12, "a", "99,a,extra-a"))
    lake.csv("d/2.csv", "id,v\n100,keep\n")
    lake.convert()
    lake.csv("d/1.csv", version_rows(14, "b", "98,b,extra-b"))  # a new version, whose rows must replace the old
    touch(first)
    lake.csv("d/3.csv", "id,v\n200,new\n")
    before = set(data_files(lake.spark, lake.name("d")))
    killed(lake, point)
    if point == "during-commit":  # new data files on disk, none of them in the table yet
        on_disk = set((lake.output / "parquet" / "d" / "data").rglob("*.parquet"))
        assert on_disk - before and set(data_files(lake.spark, lake.name("d"))) == before
    report = lake.dataset(lake.convert(), "d")
    assert report["status"] == "written" and report["files"] == ["d/1.csv", "d/3.csv"]
    assert counts(lake, "d") == {**{i: 1 for i in range(1, 15)}, 100: 1, 200: 1}
    assert {r["id"]: r["v"] for r in lake.table("d").to_pylist()} == {
        **{i: "b" for i in range(1, 15)},
        100: "keep",
        200: "new",
    }
    assert [r["_raw_record"] for r in lake.quarantined("d", "too_many_fields")] == ["98,b,extra-b"]
    assert lake.state()["datasets"]["d"]["begun"] == {}
    assert lake.dataset(lake.convert(), "d")["status"] == "unchanged"


def test_no_snapshot_of_a_table_holds_two_versions_of_one_upload(lake):
    path = lake.csv("s/1.csv", "id,v\n1,v1\n2,v1\n")
    lake.csv("s/2.csv", "id,v\n10,x\n")
    lake.convert()
    for version in ("v2", "v3"):
        lake.csv("s/1.csv", "id,v\n1,%s\n3,%s\n" % (version, version))
        touch(path)
        lake.convert()
    table = lake.name("s")
    snapshots = [r[0] for r in lake.spark.sql("SELECT snapshot_id FROM %s.snapshots" % table).collect()]
    assert len(snapshots) == 3
    for snapshot in snapshots:
        rows = lake.spark.sql("SELECT _upload_key, _upload_version, v FROM %s VERSION AS OF %d" % (table, snapshot))
        versions: dict[str, set[str]] = {}
        for r in rows.collect():
            versions.setdefault(r["_upload_key"], set()).add(r["_upload_version"])
        assert all(len(v) == 1 for v in versions.values()), (snapshot, versions)
        assert set(versions) == {"s/1.csv", "s/2.csv"}


def test_replacing_one_upload_of_a_thousand_reads_and_rewrites_only_its_file(lake):
    for i in range(1000):
        lake.csv("k/%04d.csv" % i, "id,v\n%d,a\n" % i)
    first = lake.dataset(lake.convert(), "k")
    assert first["rows_written"] == 1000 and first["data_files_added"] == 1
    path = lake.csv("k/0500.csv", "id,v\n500,b\n501,b\n")
    touch(path)
    report = lake.dataset(lake.convert(), "k")
    assert report["files"] == ["k/0500.csv"]
    assert report["data_files_removed"] == 1 and report["data_files_added"] == 1
    assert len(lake.table("k")) == 1001


def orders(lake, dataset: str, largest: float) -> None:
    """Two files of 40,000 rows: in each, the first 30,000 amounts below 100, the rest below `largest`."""
    rng = random.Random(3)
    for part in range(2):
        lines = ["id,name,amount,day,note"]
        for i in range(40_000):
            amount = rng.random() * (99.99 if i < 30_000 else largest)
            lines.append(
                '%d,"name %d, x",%.2f,2024-01-%02d,%s'
                % (part * 10**6 + i, i, amount, i % 28 + 1, "n/a" if i % 97 == 0 else "")
            )
        lake.csv("%s/%d.csv" % (dataset, part), "\n".join(lines) + "\n")


def test_the_input_is_read_once(lake):
    orders(lake, "big", 99.99)
    report = lake.dataset(lake.convert(), "big")
    assert report["input_bytes"] > 3_000_000
    ratio = report["bytes_read"] / report["input_bytes"]
    assert 1.0 <= ratio <= 1.2, ratio
    assert report["rows_written"] == 80_000


def test_an_amount_larger_than_the_sampled_ones_is_kept_whole_the_batch_read_twice(lake):
    """The sample's largest amount fixes the precision the one pass writes with; a larger one later cannot be
    written so (it would be null), so the batch is converted from persisted rows, reading its files once more."""
    orders(lake, "grown", 100_000)
    report = lake.dataset(lake.convert(), "grown")
    assert report["rows_written"] == 80_000
    assert {c["name"]: c["type"] for c in report["columns"]}["amount"] == "decimal(7,2)"
    ratio = report["bytes_read"] / report["input_bytes"]
    assert 2.0 <= ratio <= 2.2, ratio
    assert sum(r["amount"] is None for r in lake.rows("grown", "id")) == 0


def test_a_rejected_new_version_leaves_the_earlier_versions_rows(lake):
    lake.settings = Settings(max_quarantined_percent=20)
    path = lake.csv("r/1.csv", "id,v\n1,a\n2,a\n")
    lake.convert()
    lake.csv("r/1.csv", "id,v\n1,b\n2,b,extra\n")  # half its rows quarantined: over the limit
    touch(path)
    report = lake.dataset(lake.convert(), "r")
    assert report["status"] == "rejected" and report["data_files_removed"] == 0
    assert counts(lake, "r") == {1: 1, 2: 1}, "the earlier version's rows, once"
    assert {r["v"] for r in lake.table("r").to_pylist()} == {"a"}


def test_file_names_with_spaces_percent_signs_glob_characters_and_colons(lake, monkeypatch, tmp_path):
    temporary = tmp_path / "tmp"  # this test's own: other runs on the machine make links in the shared one
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    names = ["n/a b+c%20d#é.csv", "n/x%41y.csv", "n/[1]{x}*.csv", "n/export 2024-01-01T10:00.csv"]
    for n, name in enumerate(names):
        lake.csv(name, "id\n%d\n" % n)
    report = lake.dataset(lake.convert(), "n")
    assert report["status"] == "written" and report["files"] == sorted(names)
    assert counts(lake, "n") == {0: 1, 1: 1, 2: 1, 3: 1}
    assert {r["id"]: r["_upload_key"] for r in lake.table("n").to_pylist()} == dict(enumerate(names))
    assert not list(temporary.iterdir()), "the links made for Spark are removed"


def test_bytes_read_is_not_claimed_where_the_driver_cannot_see_the_reads():
    from types import SimpleNamespace

    from lake.session import input_bytes_read

    assert input_bytes_read(SimpleNamespace(sparkContext=SimpleNamespace(master="yarn"))) is None


def test_a_folder_whose_table_another_folder_made_is_rejected_and_waits(lake):
    lake.csv("sales-eu/a.csv", "id\n1\n")
    lake.convert()
    (lake.input / "sales-eu" / "a.csv").unlink()
    (lake.input / "sales-eu").rmdir()
    lake.csv("sales_eu/a.csv", "id\n2\n")
    report = lake.dataset(lake.convert(), "sales_eu")
    assert report["status"] == "rejected" and "sales-eu and sales_eu make the same table" in report["error"]
    assert [r["id"] for r in lake.table("sales_eu").to_pylist()] == [1], "the other folder's rows stay"
    assert lake.state()["datasets"]["sales_eu"]["converted"]["sales_eu/a.csv"]["status"] == "rejected"
    waiting = lake.dataset(lake.convert(), "sales_eu")
    assert waiting["status"] == "unchanged" and list(waiting["still_rejected"]) == ["sales_eu/a.csv"]
    assert lake.dataset(lake.convert(reprocess=True), "sales_eu")["status"] == "rejected", "read again on request"


def test_a_file_rewritten_with_its_size_and_modification_time_kept_is_converted_again(lake):
    path = lake.csv("a/1.csv", "id,v\n1,old\n")
    lake.convert()
    stat = path.stat()
    time.sleep(0.01)  # a later inode change time, whatever the file system's clock resolution
    lake.csv("a/1.csv", "id,v\n1,new\n")  # the same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the old modification time, as `cp -p` or rsync leave it
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    report = lake.dataset(lake.convert(), "a")
    assert report["files"] == ["a/1.csv"]
    assert [(r["id"], r["v"]) for r in lake.rows("a", "id")] == [(1, "new")]
