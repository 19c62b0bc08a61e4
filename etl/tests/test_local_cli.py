"""`npm run local`: arguments, bad input, exit status, report.json, and a stack's settings."""

import json
import re
from pathlib import Path

import pytest
from conftest import CATALOG_NUMBERS, read_table, write
from lake import local
from lake.ports import Settings
from lake.stack_settings import StackSettingsError, parse_partition_columns, stack_settings

REPO = Path(__file__).resolve().parents[2]


def run(monkeypatch, spark, cwd: Path, *args: str) -> int:
    monkeypatch.chdir(cwd)
    monkeypatch.setattr("lake.session.local_session", lambda *a, **k: spark)
    monkeypatch.setattr("lake.local.CATALOG", "cli%d" % next(CATALOG_NUMBERS))  # the shared session keeps catalogs
    return local.main(list(args))


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "input folder nowhere does not exist"),
        ({"sales/notes.txt": "x"}, "no CSV files in in"),
        ({"a/good.csv": "id\n1\n", "b/latin1.csv": "caf\xe9,b\n1,2\n".encode("latin-1")}, "b/latin1.csv"),
        ({"sales-eu/a.csv": "id\n1\n", "sales_eu/a.csv": "id\n2\n"}, "sales-eu, sales_eu all make the table sales_eu"),
        (
            {"wide/a.csv": ",".join("c%d" % i for i in range(25_000)) + "\n" + "1," * 24_999 + "1\n"},
            "wide/a.csv has 25000 columns in its header; at most 250 are converted",
        ),
    ],
    ids=["missing folder", "no CSV file", "not UTF-8", "two folders, one table", "too many columns"],
)
def test_bad_input_is_named_and_nothing_is_written(monkeypatch, spark, tmp_path, capsys, files, message):
    for name, content in files.items():
        write(tmp_path / "in" / name, content)
    assert run(monkeypatch, spark, tmp_path, "--input", "in" if files else "nowhere", "--output", "out") == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_report_and_exit_status_of_a_run_with_a_rejected_dataset(monkeypatch, spark, tmp_path, capsys):
    (tmp_path / "in" / "good").mkdir(parents=True)
    (tmp_path / "in" / "good" / "1.CSV").write_text("id,v\n1,x\n")
    (tmp_path / "in" / "bad").mkdir(parents=True)
    (tmp_path / "in" / "bad" / "1.csv").write_text("id,v\n1,x,y\n")
    assert run(monkeypatch, spark, tmp_path, "--input", "in", "--output", "out") == 1
    out = capsys.readouterr()
    assert "good: written, 1 file(s), 1 rows read, 1 written, 0 quarantined" in out.out
    assert "rejected: bad" in out.err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    good = next(d for d in report["datasets"] if d["dataset"] == "good")
    assert set(good) >= {
        "dataset",
        "status",
        "files",
        "rows_read",
        "rows_written",
        "rows_quarantined",
        "columns",
        "input_bytes",
        "bytes_read",
        "data_files_added",
        "data_files_removed",
        "table_bytes_read",
    }
    assert good["columns"] == [{"name": "id", "type": "bigint"}, {"name": "v", "type": "string"}]
    assert "only in the Glue job" in report["data_quality"]
    assert good["data_files_added"] == 1 and good["data_files_removed"] == 0 and good["snapshot"]
    assert read_table(spark, "%s.parquet.good" % local.CATALOG).select(["id", "v"]).to_pylist() == [{"id": 1, "v": "x"}]
    assert sorted(p.relative_to(tmp_path / "out").parts[0] for p in (tmp_path / "out").iterdir()) == [
        "parquet",
        "quarantine",
        "report.json",
        "state.json",
    ]
    [query] = [line for line in out.out.splitlines() if line.startswith("query:")]
    assert query.startswith('query:  npm run query -- --output out "SELECT * FROM %s.parquet.good' % local.CATALOG)
    from lake import query as query_cli

    monkeypatch.setattr("lake.session.local_session", lambda *a, **k: spark)
    sql = query.split('"')[1]
    assert query_cli.main(["--output", "out", sql]) == 0
    assert re.search(r"\|1 +\|x +\|good/1\.CSV +\|", capsys.readouterr().out), "the printed query runs"


def test_the_dev_stack_settings_come_from_its_stack_file_and_pulumi_yaml_defaults():
    settings, rules = stack_settings(REPO, "dev")
    assert settings == Settings(key_columns=(), partition_columns={}, max_quarantined_percent=10.0)
    assert settings.snapshot_retention_days == 7, "Pulumi.yaml's default"
    assert rules.startswith("Rules = [")


def test_stack_settings_override_defaults_and_bad_values_name_key_and_file(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.x.yaml").write_text(
        "config:\n  csv-to-parquet:keyColumns: 'Order ID, customer'\n"
        "  csv-to-parquet:partitionColumns: 'orders=order_date; events = day'\n"
        "  csv-to-parquet:maxQuarantinedPercent: 25\n"
        "  csv-to-parquet:snapshotRetentionDays: 30\n"
        "  csv-to-parquet:nullValues: 'NULL, N/A'\n"
    )
    settings, _ = stack_settings(tmp_path, "x")
    assert settings.null_values == ("NULL", "N/A")
    assert settings.key_columns == ("Order ID", "customer")
    assert settings.partition_columns == {"orders": "order_date", "events": "day"}
    assert settings.max_quarantined_percent == 25 and settings.snapshot_retention_days == 30
    (tmp_path / "Pulumi.w.yaml").write_text("config:\n  csv-to-parquet:snapshotRetentionDays: 0\n")
    with pytest.raises(StackSettingsError, match="Pulumi.w.yaml: snapshotRetentionDays"):
        stack_settings(tmp_path, "w")
    (tmp_path / "Pulumi.y.yaml").write_text("config:\n  csv-to-parquet:maxQuarantinedPercent: 150\n")
    with pytest.raises(StackSettingsError, match="Pulumi.y.yaml: maxQuarantinedPercent"):
        stack_settings(tmp_path, "y")
    with pytest.raises(StackSettingsError, match="Pulumi.nope.yaml does not exist"):
        stack_settings(tmp_path, "nope")
    with pytest.raises(StackSettingsError, match='partitionColumns: "orders" is not'):
        parse_partition_columns("orders", "Pulumi.z.yaml")


def test_the_examples_convert_with_the_dev_stack(monkeypatch, spark, tmp_path, capsys):
    code = run(monkeypatch, spark, REPO, "--output", str(tmp_path / "out"), "--stack", "dev")
    assert code == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    orders = next(d for d in report["datasets"] if d["dataset"] == "orders")
    assert orders["status"] == "written" and orders["rows_quarantined"] == {"too_many_fields": 1}
    assert "orders: written, 2 file(s)" in capsys.readouterr().out
