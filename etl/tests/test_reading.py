"""The CSV dialect: what Spark's reader, with the core's options, makes of real files."""

import io

import pytest
from lake.csvread import MAX_COLUMNS, check_file, field_count, parse_problem, read_header
from pyspark.sql import functions as F


def test_read_header_takes_the_first_record_with_quotes_and_skips_nothing_else():
    assert read_header(io.StringIO('id,"name, full","multi\nline"\r\n1,2,3\r\n')) == ["id", "name, full", "multi\nline"]
    assert read_header(io.StringIO("")) is None


def test_field_count_and_parse_problem_of_raw_records(spark):
    raws = ['1,"a, b",3', '1,"x""y",3,4', "1,2", '6,"open,7\n8,z,9', "1,2,3"]
    frame = spark.createDataFrame([(r,) for r in raws], "raw string")
    got = frame.select(field_count(F.col("raw")).alias("n"), parse_problem(F.col("raw"), 3).alias("p")).collect()
    assert [r["n"] for r in got] == [3, 4, 2, 5, 3]  # an open quote hides no comma
    # Every record here stands for one Spark flagged: the same width as the header is then a parse failure.
    assert [r["p"] for r in got] == ["unparsable", "too_many_fields", None, "unparsable", "unparsable"]


def test_quoted_commas_doubled_quotes_and_line_breaks_in_a_crlf_file(lake):
    lake.csv("q/a.csv", 'id,text,n\r\n1,"a, b",1\r\n2,"say ""hi""",2\r\n3,"line\r\nbreak",3\r\n4,"lf\nonly",4\r\n')
    report = lake.convert()
    assert lake.dataset(report, "q")["rows_written"] == 4
    # A line break inside quotes stays as written, CRLF or LF.
    assert [r["text"] for r in lake.rows("q", "id")] == ["a, b", 'say "hi"', "line\r\nbreak", "lf\nonly"]


def test_mixed_line_endings_and_crlf_rows_read_as_written(lake):
    lake.csv("m/crlf_header.csv", "id,a,b\r\n1,x,y\n2,p,\n")
    lake.csv("m/crlf.csv", 'id,a,b\r\n3,x,y\r\n4,"q",\r\n5,z\r\n6,,"w"\r\n')
    lake.csv("m/lf_header.csv", "id,a,b\n7,x,y\r\n8,x,y\n")
    report = lake.dataset(lake.convert(), "m")
    assert report["rows_read"] == 8 and report["rows_written"] == 8
    assert [(r["id"], r["a"], r["b"]) for r in lake.rows("m", "id")] == [
        (1, "x", "y"),
        (2, "p", None),
        (3, "x", "y"),
        (4, "q", None),
        (5, "z", None),  # fewer fields: the CR ends its last field present
        (6, None, "w"),
        (7, "x", "y"),
        (8, "x", "y"),
    ]


def test_a_repeated_header_line_is_quarantined_and_leaves_the_types_alone(lake):
    lake.csv("r/a.csv", "id,amount\r\n1,2.5\r\nid,amount\r\n2,3.5\r\n")
    lake.csv("r/b.csv", "id,,note\n3,,x\nid,,note\n")
    report = lake.dataset(lake.convert(), "r")
    assert report["rows_quarantined"] == {"repeated_header": 2}
    assert {c["name"]: c["type"] for c in report["columns"]}["id"] == "bigint"
    assert [r["id"] for r in lake.rows("r", "id")] == [1, 2, 3]
    assert sorted(r["_upload_key"] for r in lake.quarantined("r", "repeated_header")) == ["r/a.csv", "r/b.csv"]


def test_lf_file_and_a_byte_order_mark_removed_from_the_first_name(lake):
    lake.csv("bom/a.csv", "id,name\n1,Zoé\n2,Ana\n", encoding="utf-8-sig")
    report = lake.convert()
    assert [c["name"] for c in lake.dataset(report, "bom")["columns"]] == ["id", "name"]
    assert [(r["id"], r["name"]) for r in lake.rows("bom", "id")] == [(1, "Zoé"), (2, "Ana")]


def test_empty_and_header_only_files_write_nothing_and_are_not_read_again(lake):
    lake.csv("e/empty.csv", "")
    lake.csv("e/header.csv", "id,name\r\n")
    report = lake.dataset(lake.convert(), "e")
    assert report["status"] == "skipped" and report["rows_read"] == 0
    assert not (lake.output / "parquet" / "e").exists()
    assert lake.dataset(lake.convert(), "e")["status"] == "unchanged"


def test_rows_with_too_many_fields_go_to_quarantine_and_too_few_keep_nulls(lake):
    lake.csv("f/a.csv", "id,a,b\n1,x,y\n2,x,y,extra\n3,x\n")
    report = lake.dataset(lake.convert(), "f")
    assert report["rows_quarantined"] == {"too_many_fields": 1}
    assert [(r["id"], r["a"], r["b"]) for r in lake.rows("f", "id")] == [(1, "x", "y"), (3, "x", None)]
    [bad] = lake.quarantined("f", "too_many_fields")
    assert bad["_upload_key"] == "f/a.csv" and bad["_raw_record"] == "2,x,y,extra"


def hundred_rows(bad_row: int, bad: str) -> str:
    """A 100-row file of id,text,note whose row `bad_row` is `bad` (rows are numbered from 1, line = row + 1)."""
    rows = ["%d,t%d,n%d" % (i, i, i) for i in range(1, 101)]
    rows[bad_row - 1] = bad
    return "id,text,note\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    "bad, line",
    [('95,t95,"never closed', 96), ('"95,t95,n95', 96), ('95,"t95,n95', 96)],
    ids=["last column", "first column", "middle column"],
)
def test_an_unclosed_quote_puts_its_file_aside_counted_in_source_records(lake, bad, line):
    lake.csv("u/a.csv", hundred_rows(95, bad))
    lake.csv("u/b.csv", 'id,text,note\n500,"multi\nline",ok\n')
    report = lake.dataset(lake.convert(), "u")
    assert report["rows_read"] == 101 and report["rows_written"] == 1
    assert report["rows_quarantined"] == {"unclosed_quote": 100}, "the swallowed rows 96-100 are counted too"
    assert [(r["id"], r["text"]) for r in lake.rows("u", "id")] == [(500, "multi\nline")]
    put_aside = lake.quarantined("u", "unclosed_quote")
    assert len(put_aside) == 95 and {r["_upload_key"] for r in put_aside} == {"u/a.csv"}
    assert {r["_detail"] for r in put_aside} == {
        "line %d: a quote opened here is never closed, so the 6 lines from it to the end of the file (line 101) are "
        "one field; the file's rows are put aside" % line
    }
    state = lake.state()["datasets"]["u"]["converted"]
    assert (state["u/a.csv"]["status"], state["u/a.csv"]["rows_quarantined"]) == ("quarantined", 100)


def test_bytes_that_are_not_utf8_anywhere_put_the_file_aside_with_their_offset(lake):
    head = "id,text\n" + "".join("%d,%s\n" % (i, "x" * 80) for i in range(200))  # past the first 8 KiB
    latin1 = (head + "9999,café\n").encode("latin-1")
    lake.csv("e/latin1.csv", latin1)
    lake.csv("e/good.csv", "id,text\n1,\ufffd is a character too\n")  # valid UTF-8 holding U+FFFD itself
    report = lake.dataset(lake.convert(), "e")
    assert report["rows_quarantined"] == {"invalid_utf8": 201} and report["rows_written"] == 1
    assert [r["text"] for r in lake.rows("e", "id")] == ["\ufffd is a character too"]
    [detail] = {r["_detail"] for r in lake.quarantined("e", "invalid_utf8")}
    offset = len(head) + len("9999,caf")
    assert detail == "byte offset %d (line 202) is not UTF-8: 0xe9; the file's rows are put aside" % offset


def test_check_file_reads_quotes_as_the_parser_does():
    def check(text: str):
        return check_file(io.BytesIO(text.encode("utf-8")))

    assert check('a,b\n1,"x\ny"\n2,"say ""hi"""\n') is None, "closed quotes, doubled quotes, line breaks"
    assert check('a,b\n1,x"y\n2,"a"b\n') is None, "a quote inside a field opens nothing"
    assert check('\ufeff"a",b\n1,2\n') is None, "a byte-order mark before the first quote"
    problem = check('a,b\n1,"x""\n\n2,y\n')
    assert problem is not None and problem.reason == "unclosed_quote" and problem.extra_records == 1, "blank lines"


def test_awkward_clashing_and_non_ascii_header_names(lake):
    lake.csv("h/a.csv", "Order ID,order_id,Prénom,2024 Total,,Ünit Price (€)\n1,2,Zoé,3,4,5.5\n")
    report = lake.dataset(lake.convert(), "h")
    names = [c["name"] for c in report["columns"]]
    assert names == ["order_id_2", "order_id", "prenom", "c_2024_total", "col_1", "unit_price_eur"]
    assert lake.table("h").column_names == names + ["_upload_key", "_upload_version", "_upload_id"]


def test_each_source_header_lands_in_its_own_column_in_every_file_and_run(lake):
    lake.csv("s/1.csv", "id,a_b,a b\n1,ab1,a b1\n")
    lake.csv("s/2.csv", "id,a b,a_b\n2,a b2,ab2\n")
    lake.convert()
    lake.csv("s/3.csv", "a b,id,a_b\na b3,3,ab3\n")
    lake.convert()
    assert [(r["id"], r["a_b"], r["a_b_2"]) for r in lake.rows("s", "id")] == [
        (1, "ab1", "a b1"),
        (2, "ab2", "a b2"),
        (3, "ab3", "a b3"),
    ]


def test_non_latin_headers_keep_readable_names_and_their_values_whatever_their_order(lake):
    lake.csv("n/1.csv", "Имя,名前,😀\nivan,taro,1\n")
    lake.csv("n/2.csv", "😀,名前,Имя\n2,hanako,olga\n")
    report = lake.dataset(lake.convert(), "n")
    assert [c["name"] for c in report["columns"]] == ["imya", "mingqian", "grinning"]
    assert [(r["grinning"], r["imya"], r["mingqian"]) for r in lake.rows("n", "grinning")] == [
        (1, "ivan", "taro"),
        (2, "olga", "hanako"),
    ]


def test_each_columns_doc_records_its_source_header_and_a_later_run_matches_on_it(lake):
    lake.csv("d/1.csv", 'id,"Unit ""Price""",x,x\n1,2.5,a,b\n')
    lake.convert()
    fields = {f.name: f.metadata.get("comment") for f in lake.spark.table(lake.name("d")).schema.fields}
    assert fields["unit_price"] == 'CSV header "Unit \\"Price\\""'
    assert fields["x"] == 'CSV header "x"' and fields["x_2"] == 'CSV header "x" (occurrence 2)'
    assert fields["_upload_key"] is None
    lake.csv("d/2.csv", 'x,x,"Unit ""Price""",id\nc,d,3.5,2\n')
    lake.convert()
    assert [(r["id"], r["unit_price"], r["x"], r["x_2"]) for r in lake.rows("d", "id")] == [
        (1, 2.5, "a", "b"),
        (2, 3.5, "c", "d"),
    ]


def test_a_file_of_the_most_columns_allowed_converts(lake):
    lake.csv("w/a.csv", ",".join("c%d" % i for i in range(MAX_COLUMNS)) + "\n" + ",".join(["1"] * MAX_COLUMNS) + "\n")
    report = lake.dataset(lake.convert(), "w")
    assert report["rows_written"] == 1 and len(report["columns"]) == MAX_COLUMNS
