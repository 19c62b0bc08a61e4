"""Column and file names, tested as pure functions."""

import pytest
from lake.names import assign_names, athena_name, column_names, doc_source, source_doc, sources_of


def test_athena_names_are_lower_case_ascii_transliterated():
    assert athena_name("Order Date", 1) == "order_date"
    assert athena_name("Unit Price (EUR)", 1) == "unit_price_eur"
    assert athena_name("Prénom", 1) == "prenom"
    assert athena_name("Groß", 1) == "gross"
    assert athena_name("Łódź", 1) == "lodz"
    assert athena_name("  __Mixed--Case__ ", 1) == "mixed_case"
    assert athena_name("Имя клиента", 1) == "imya_klienta"
    assert athena_name("名前", 1) == "mingqian"
    assert athena_name("Ünit Price (€)", 1) == "unit_price_eur"
    assert athena_name("😀 score", 1) == "grinning_score"


def test_a_name_with_nothing_left_gets_its_position_and_a_leading_digit_a_prefix():
    assert athena_name("%%", 3) == "col_3"
    assert athena_name("", 1) == "col_1"
    assert athena_name("2024 total", 1) == "c_2024_total"


def test_clashing_names_are_numbered_and_no_column_is_lost():
    assert column_names(["a b", "a_b", "A B"]) == ["a_b_3", "a_b", "a_b_2"], "a_b keeps its name; then by text"
    assert column_names(["", "", "x"]) == ["col_1", "col_2", "x"]
    assert column_names(["x", "y", "x"]) == ["x", "y", "x_2"]
    header = ["id", "ID", "Id ", "i.d", "a_b_2", "a b", "a_b"]
    names = column_names(header)
    assert len(names) == len(header) and len(set(names)) == len(names)


@pytest.mark.parametrize(
    "headers",
    [
        [["id", "a_b", "a b"], ["id", "a b", "a_b"]],
        [["Имя", "Фамилия", "名前", "😀"], ["😀", "名前", "Фамилия", "Имя"]],
        [["x", "X", "x"], ["X", "x", "x"]],
    ],
)
def test_a_source_header_gets_the_same_column_whatever_the_order_of_files_and_fields(headers):
    forward = assign_names({}, headers)
    backward = assign_names({}, list(reversed(headers)))
    shuffled = assign_names({}, [list(reversed(h)) for h in headers])
    assert forward == backward == shuffled
    assert len(set(forward.values())) == len(forward), "no two source headers share a column"


def test_a_known_header_keeps_its_column_and_a_new_one_is_numbered_past_it():
    known = {("a b", 1): "a_b"}
    names = assign_names(known, [["a_b", "a b", "c"]])
    assert names == {("a b", 1): "a_b", ("a_b", 1): "a_b_2", ("c", 1): "c"}


@pytest.mark.parametrize("text", ["Prénom", 'say "hi"', "x (occurrence 2)", "", "line\nbreak", "\\"])
@pytest.mark.parametrize("occurrence", [1, 3])
def test_a_columns_doc_gives_back_its_source_header(text, occurrence):
    doc = source_doc((text, occurrence))
    assert doc_source(doc) == (text, occurrence)
    assert doc.startswith("CSV header ")


def test_a_doc_that_records_no_source_header_gives_none():
    for doc in [None, "", "a column", 'CSV header "x" trailing', "CSV header 12"]:
        assert doc_source(doc) is None


def test_sources_count_repeated_header_texts():
    assert sources_of(["x", "y", "x", "x"]) == [("x", 1), ("y", 1), ("x", 2), ("x", 3)]
