"""The type contract across batches, key columns, partitions and the quarantine limit."""

from dataclasses import replace
from decimal import Decimal

import pyarrow as pa
from lake.ports import Settings
from test_incremental import touch


def types(report: dict) -> dict[str, str]:
    return {c["name"]: c["type"] for c in report["columns"]}


def test_first_batch_proposes_types_and_leading_zeros_stay_text(lake):
    lake.csv(
        "t/a.csv",
        "id,zip,price,day,at,note,blank\n"
        "1,08123,1.5,2024-01-31,2024-01-31T10:00:00Z,x,\n"
        "2,75011,2,2024-02-01,2024-02-01 11:30:00,y,\n",
    )
    report = lake.dataset(lake.convert(), "t")
    assert types(report) == {
        "id": "bigint",
        "zip": "string",
        "price": "decimal(2,1)",
        "day": "date",
        "at": "timestamp",
        "note": "string",
    }, "a column with no value yet (blank) is not typed yet"
    schema = lake.table("t").schema
    assert schema.field("id").type == pa.int64() and schema.field("zip").type == pa.string()
    assert schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert [r["zip"] for r in lake.rows("t", "id")] == ["08123", "75011"]


def test_a_later_value_that_does_not_fit_goes_to_quarantine_and_types_never_change(lake):
    lake.csv("c/1.csv", "id,amount\n1,10\n2,20\n")
    lake.convert()
    lake.csv("c/2.csv", "id,amount\n3,n/a\n4,40\n5,1.5\n")
    report = lake.dataset(lake.convert(), "c")
    assert types(report) == {"id": "bigint", "amount": "bigint"}
    assert report["rows_quarantined"] == {"type_mismatch": 2}
    assert [(r["id"], r["amount"]) for r in lake.rows("c", "id")] == [(1, 10), (2, 20), (4, 40)]
    details = sorted(r["_detail"] for r in lake.quarantined("c", "type_mismatch"))
    assert details == ["amount: '1.5' is not bigint", "amount: 'n/a' is not bigint"]


def test_amounts_and_long_integers_keep_every_digit_and_floating_point_stays_double(lake):
    lake.csv(
        "m/1.csv",
        "id,amount,big,ratio\n1,10.50,9007199254740993,1.5e-3\n2,-0.01,12345678901234567890123,2\n3,3,1,0.25\n",
    )
    report = lake.dataset(lake.convert(), "m")
    assert types(report) == {"id": "bigint", "amount": "decimal(4,2)", "big": "decimal(23,0)", "ratio": "double"}
    schema = lake.table("m").schema
    assert schema.field("amount").type == pa.decimal128(4, 2) and schema.field("ratio").type == pa.float64()
    assert [(r["amount"], r["big"], r["ratio"]) for r in lake.rows("m", "id")] == [
        (Decimal("10.50"), Decimal("9007199254740993"), 0.0015),
        (Decimal("-0.01"), Decimal("12345678901234567890123"), 2.0),
        (Decimal("3.00"), Decimal("1"), 0.25),
    ]


def test_a_decimals_scale_is_fixed_its_precision_grows_and_no_value_is_rounded(lake):
    lake.csv("p/1.csv", "id,price\n1,1.25\n")
    lake.convert()
    lake.csv("p/2.csv", "id,price\n2,123456.5\n3,1.255\n4,2.500\n5,1e2\n")
    report = lake.dataset(lake.convert(), "p")
    assert types(report) == {"id": "bigint", "price": "decimal(8,2)"}, "precision grown to 6 integer digits"
    assert lake.table("p").schema.field("price").type == pa.decimal128(8, 2)
    assert [(r["id"], r["price"]) for r in lake.rows("p", "id")] == [
        (1, Decimal("1.25")),
        (2, Decimal("123456.50")),
        (4, Decimal("2.50")),
    ]
    details = sorted(r["_detail"] for r in lake.quarantined("p", "type_mismatch"))
    assert details == ["price: '1.255' is not decimal(3,2)", "price: '1e2' is not decimal(3,2)"]


def test_null_values_are_null_before_types_and_keys_and_only_those_given(lake):
    lake.csv("nv/1.csv", "id,amount,note\n1,NULL,N/A\n2,2.5,null\nN/A,3,x\n")
    lake.settings = replace(lake.settings, key_columns=("id",), null_values=("NULL", "N/A"))
    report = lake.dataset(lake.convert(), "nv")
    assert types(report) == {"id": "bigint", "amount": "decimal(2,1)", "note": "string"}
    assert report["rows_quarantined"] == {"missing_key": 1}, "N/A is an empty key"
    assert [(r["id"], r["amount"], r["note"]) for r in lake.rows("nv", "id")] == [
        (1, None, None),
        (2, Decimal("2.5"), "null"),  # exact and case-sensitive
    ]


def test_without_null_values_a_null_marker_is_text(lake):
    lake.csv("nt/1.csv", "id,amount\n1,NULL\n2,2\n")
    assert types(lake.dataset(lake.convert(), "nt")) == {"id": "bigint", "amount": "string"}


def test_a_stray_value_in_the_first_batch_makes_text_and_text_stays_text(lake):
    lake.csv("s/1.csv", "id,amount\n1,10\n2,n/a\n")
    lake.convert()
    lake.csv("s/2.csv", "id,amount\n3,30\n")
    report = lake.dataset(lake.convert(), "s")
    assert types(report)["amount"] == "string" and report["rows_quarantined"] == {}
    assert lake.table("s").schema.field("amount").type == pa.string()


def test_a_column_that_appears_later_is_added_at_the_end(lake):
    lake.csv("n/1.csv", "id,name\n1,a\n")
    lake.convert()
    lake.csv("n/2.csv", "name,id,score\nb,2,7\n")
    report = lake.dataset(lake.convert(), "n")
    assert list(types(report).items()) == [("id", "bigint"), ("name", "string"), ("score", "bigint")]
    assert [(r["id"], r["name"], r["score"]) for r in lake.rows("n", "id")] == [(1, "a", None), (2, "b", 7)]


def test_empty_strings_are_null_before_rules_and_key_columns_must_be_present(lake):
    lake.settings = Settings(key_columns=("Order ID",), max_quarantined_percent=50)
    lake.csv("k/a.csv", 'order id,note\n1,""\n,x\n"",y\n2,\n')
    report = lake.dataset(lake.convert(), "k")
    assert report["rows_quarantined"] == {"missing_key": 2}
    assert [(r["order_id"], r.get("note")) for r in lake.rows("k", "order_id")] == [(1, None), (2, None)]
    assert {r["_detail"] for r in lake.quarantined("k", "missing_key")} == {"key column order_id is empty"}


def test_a_partition_column_with_nulls_and_slashes_round_trips(lake):
    lake.settings = Settings(partition_columns={"p": "Region"}, max_quarantined_percent=100)
    lake.csv("p/a.csv", "id,region\n1,eu/west\n2,\n3,us east\n4,eu/west\n")
    report = lake.dataset(lake.convert(), "p")
    assert report["status"] == "written" and report["rows_written"] == 4
    rows = lake.rows("p", "id")
    assert [(r["id"], r["region"]) for r in rows] == [(1, "eu/west"), (2, None), (3, "us east"), (4, "eu/west")]
    partitions = lake.spark.sql("SELECT partition.region, record_count FROM %s.partitions" % lake.name("p")).collect()
    assert sorted((p["region"] or "", p["record_count"]) for p in partitions) == [
        ("", 1),
        ("eu/west", 2),
        ("us east", 1),
    ]


def test_a_partition_column_the_dataset_lacks_rejects_it_naming_the_setting(lake):
    lake.settings = Settings(partition_columns={"m": "day"})
    lake.csv("m/a.csv", "id\n1\n")
    report = lake.dataset(lake.convert(), "m")
    assert report["status"] == "rejected" and "partitionColumns" in report["error"]


def test_a_dataset_over_the_threshold_writes_nothing_and_all_its_rows_go_to_quarantine(lake):
    lake.settings = replace(Settings(), max_quarantined_percent=20)
    lake.csv("r/a.csv", "id,a\n1,x\n2,x,extra\n3,x\n4,x,extra\n")
    lake.csv("ok/a.csv", "id\n1\n")
    report = lake.convert()
    rejected = lake.dataset(report, "r")
    assert rejected["status"] == "rejected" and "maxQuarantinedPercent" in rejected["error"]
    assert rejected["rows_quarantined"] == {"too_many_fields": 2, "rejected": 2}
    assert not lake.spark.catalog.tableExists(lake.name("r"))
    assert len(lake.quarantined("r", "rejected")) == 2 and len(lake.quarantined("r", "too_many_fields")) == 2
    assert lake.dataset(report, "ok")["status"] == "written"
    assert lake.state()["datasets"]["r"]["converted"]["r/a.csv"]["snapshot"] is None, "a rejected batch commits nothing"


def test_a_column_empty_in_the_first_batch_is_typed_by_the_first_batch_with_values(lake):
    lake.csv("later/1.csv", "id,amount,day\n")
    lake.csv("later/2.csv", "id,amount,day\n1,,\n")
    assert types(lake.dataset(lake.convert(), "later")) == {"id": "bigint"}
    lake.csv("later/3.csv", "id,amount,day\n2,2.5,1000-01-01\n")
    report = lake.dataset(lake.convert(), "later")
    assert types(report) == {"id": "bigint", "amount": "decimal(2,1)", "day": "date"}
    rows = [(r["id"], r.get("amount"), str(r.get("day"))) for r in lake.rows("later", "id")]
    assert rows == [(1, None, "None"), (2, Decimal("2.5"), "1000-01-01")], "a date before 1582 is written as given"


def test_a_rejected_file_is_read_again_only_when_it_or_the_settings_change_or_on_reprocess(lake):
    lake.settings = Settings(max_quarantined_percent=20)
    path = lake.csv("again/a.csv", "id,v\n1,x\n2,x,extra\n")
    assert lake.dataset(lake.convert(), "again")["status"] == "rejected"
    report = lake.dataset(lake.convert(), "again")
    assert report["status"] == "unchanged" and report["bytes_read"] == 0, "not read again"
    assert report["still_rejected"] == {"again/a.csv": "1 of 2 rows quarantined, over maxQuarantinedPercent 20"}
    lake.settings = Settings(max_quarantined_percent=20, snapshot_retention_days=30)  # decides nothing of it
    assert lake.dataset(lake.convert(), "again")["status"] == "unchanged"
    lake.settings = Settings(max_quarantined_percent=20, null_values=("NA",))  # a setting of the conversion
    assert lake.dataset(lake.convert(), "again")["status"] == "rejected", "read again under new settings"
    assert lake.dataset(lake.convert(), "again")["status"] == "unchanged"
    assert lake.dataset(lake.convert(reprocess=True), "again")["status"] == "rejected", "read again on request"
    lake.csv("again/a.csv", "id,v\n1,x\n2,y\n")  # fixed
    touch(path)
    report = lake.dataset(lake.convert(), "again")
    assert report["status"] == "written" and report["rows_written"] == 2 and "still_rejected" not in report


def test_a_timestamp_partition_column_partitions_the_table_by_day_hidden_from_queries(lake):
    lake.settings = Settings(partition_columns={"e": "at"}, max_quarantined_percent=100)
    lake.csv("e/a.csv", "id,at\n1,2024-01-01T10:00:00Z\n2,2024-01-01T23:59:59Z\n3,2024-01-02T00:00:00Z\n")
    assert lake.dataset(lake.convert(), "e")["status"] == "written"
    spec = lake.spark.sql("SELECT partition FROM %s.partitions ORDER BY partition" % lake.name("e")).collect()
    assert [str(p["partition"]["at_day"]) for p in spec] == ["2024-01-01", "2024-01-02"]
    assert [r["id"] for r in lake.rows("e", "id")] == [1, 2, 3] and "at_day" not in lake.table("e").column_names


def test_a_file_without_a_key_column_the_dataset_has_quarantines_its_rows_as_missing_key(lake):
    lake.settings = Settings(key_columns=("Order ID",), max_quarantined_percent=100)
    lake.csv("o/1.csv", "Order ID,v\n1,a\n")
    lake.convert()
    lake.csv("o/2.csv", "v\nb\nc\n")  # no Order ID column at all
    report = lake.dataset(lake.convert(), "o")
    assert report["rows_quarantined"] == {"missing_key": 2} and report["rows_written"] == 0
    assert sorted(r["v"] for r in lake.quarantined("o", "missing_key")) == ["b", "c"]
    assert [r["order_id"] for r in lake.rows("o", "order_id")] == [1]
    lake.csv("n/1.csv", "v\nx\n")  # a dataset without the column is not held to it
    assert lake.dataset(lake.convert(), "n")["rows_written"] == 1


def test_the_settings_fingerprint_changes_with_what_decides_a_conversion_only():
    base = Settings(key_columns=("id",), partition_columns={"a": "day"}, max_quarantined_percent=10)
    same = base.fingerprint("a", "Rules = [ RowCount > 0 ]")
    assert replace(base, snapshot_retention_days=99).fingerprint("a", "Rules = [ RowCount > 0 ]") == same
    assert replace(base, partition_columns={"b": "day"}).fingerprint("b", "Rules = [ RowCount > 0 ]") == same
    for changed in [
        replace(base, key_columns=()).fingerprint("a", "Rules = [ RowCount > 0 ]"),
        replace(base, partition_columns={}).fingerprint("a", "Rules = [ RowCount > 0 ]"),
        replace(base, max_quarantined_percent=11).fingerprint("a", "Rules = [ RowCount > 0 ]"),
        replace(base, null_values=("NA",)).fingerprint("a", "Rules = [ RowCount > 0 ]"),
        base.fingerprint("a", "Rules = [ RowCount > 1 ]"),
    ]:
        assert changed != same and len(changed) == 16


def test_a_value_the_sample_did_not_see_decides_the_type_as_if_every_value_had_been_sampled(lake, monkeypatch):
    """The sample (here the first two rows) proposes a type that the rest of the batch confirms, or the column's
    every value decides it: a later text, a longer fraction, a column empty in the sample, a larger amount."""
    monkeypatch.setattr("lake.inference.SAMPLE_ROWS", 2)
    lake.csv(
        "s/a.csv",
        "id,code,rate,later,amount\n1,10,1.5,,1.25\n2,20,2.5,,2.50\n3,x,3.125,2024-01-05,12345.5\n4,40,4.5,,-7\n",
    )
    report = lake.dataset(lake.convert(), "s")
    assert types(report) == {
        "id": "bigint",
        "code": "string",
        "rate": "decimal(4,3)",
        "later": "date",
        "amount": "decimal(7,2)",
    }
    rows = [(r["code"], r["rate"], r["later"], r["amount"]) for r in lake.rows("s", "id")]
    assert [(c, str(r), str(d), str(a)) for c, r, d, a in rows] == [
        ("10", "1.500", "None", "1.25"),
        ("20", "2.500", "None", "2.50"),
        ("x", "3.125", "2024-01-05", "12345.50"),
        ("40", "4.500", "None", "-7.00"),
    ]
    assert report["rows_written"] == 4 and report["rows_quarantined"] == {}
