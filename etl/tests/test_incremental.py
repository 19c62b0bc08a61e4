"""Runs after runs: nothing converted twice, a changed file replaces its rows, a crash loses and doubles nothing."""

import os
import random

import pytest
from conftest import crash_at_publish
from lake.convert import DatasetConversion
from lake.ports import Settings


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
    lake.convert()
    lake.csv("a/1.csv", "id,v\n1,new\n3,new\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    lake.csv("a/3.csv", "id,v\n20,added\n")
    report = lake.dataset(lake.convert(), "a")
    assert report["files"] == ["a/1.csv", "a/3.csv"]
    assert [(r["id"], r["v"]) for r in lake.rows("a", "id")] == [(1, "new"), (3, "new"), (10, "keep"), (20, "added")]
    assert len(lake.files("a")) == 3, "the old version's object is gone"


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


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_crash_while_moving_outputs_into_place_then_a_rerun_writes_each_row_once(lake, monkeypatch, fail_at):
    lake.csv("d/1.csv", "id,v\n1,a\n2,a\n")
    lake.convert()
    lake.csv("d/1.csv", "id,v\n1,b\n2,b\n5,b\n")  # a new version, whose rows must replace the old ones
    lake.csv("d/2.csv", "id,v\n3,b\n")
    lake.csv("d/3.csv", "id,v\n4,b\n")
    crash_at_publish(monkeypatch, lake.convert, fail_at)
    lake.convert()
    assert counts(lake, "d") == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert {r["v"] for r in lake.table("d").to_pylist()} == {"b"}
    assert lake.state()["datasets"]["d"]["planned"] == {}
    assert lake.dataset(lake.convert(), "d")["status"] == "unchanged"


def test_the_input_is_read_once(lake):
    rng = random.Random(3)
    for part in range(2):
        lines = ["id,name,amount,day,note"]
        for i in range(40_000):
            lines.append(
                '%d,"name %d, x",%.2f,2024-01-%02d,%s'
                % (part * 10**6 + i, i, rng.random() * 100, i % 28 + 1, "n/a" if i % 97 == 0 else "")
            )
        lake.csv("big/%d.csv" % part, "\n".join(lines) + "\n")
    report = lake.dataset(lake.convert(), "big")
    assert report["input_bytes"] > 3_000_000
    ratio = report["bytes_read"] / report["input_bytes"]
    assert 1.0 <= ratio <= 1.2, ratio
    assert report["rows_written"] == 80_000


def test_a_rejected_retry_after_a_crash_removes_what_the_crash_moved_into_place(lake, monkeypatch):
    lake.settings = Settings(max_quarantined_percent=20)
    lake.csv("r/1.csv", "id,v\n1,a\n2,a\n")
    lake.convert()
    lake.csv("r/1.csv", "id,v\n1,b\n2,b\n3,b\n")
    crash_at_publish(monkeypatch, lake.convert, 1)  # the new version's object is in place, the old one too
    lake.csv("r/2.csv", "id,v\n9,x,extra\n")  # and now the dataset is over the limit
    assert lake.dataset(lake.convert(), "r")["status"] == "rejected"
    assert counts(lake, "r") == {1: 1, 2: 1}, "the earlier version's rows, once"
    assert {r["v"] for r in lake.table("r").to_pylist()} == {"a"}


def test_file_names_with_spaces_percent_signs_and_glob_characters(lake):
    names = ["n/a b+c%20d#é.csv", "n/x%41y.csv", "n/[1]{x}*.csv"]
    for n, name in enumerate(names):
        lake.csv(name, "id\n%d\n" % n)
    report = lake.dataset(lake.convert(), "n")
    assert report["status"] == "written" and report["files"] == sorted(names)
    assert counts(lake, "n") == {0: 1, 1: 1, 2: 1}


def test_bytes_read_is_not_claimed_where_the_driver_cannot_see_the_reads():
    from types import SimpleNamespace

    from lake.session import input_bytes_read

    assert input_bytes_read(SimpleNamespace(sparkContext=SimpleNamespace(master="yarn"))) is None
