"""Column and file names, tested as pure functions."""

from lake.names import athena_name, column_names


def test_athena_names_are_lower_case_ascii_with_accents_folded():
    assert athena_name("Order Date", 1) == "order_date"
    assert athena_name("Unit Price (EUR)", 1) == "unit_price_eur"
    assert athena_name("Prénom", 1) == "prenom"
    assert athena_name("Groß", 1) == "gross"
    assert athena_name("Łódź", 1) == "lodz"
    assert athena_name("  __Mixed--Case__ ", 1) == "mixed_case"


def test_a_name_with_nothing_left_gets_its_position_and_a_leading_digit_a_prefix():
    assert athena_name("%%", 3) == "col_3"
    assert athena_name("", 1) == "col_1"
    assert athena_name("2024 total", 1) == "c_2024_total"


def test_clashing_names_are_numbered_and_no_column_is_lost():
    assert column_names(["a b", "a_b", "A B"]) == ["a_b", "a_b_2", "a_b_3"]
    assert column_names(["", "", "x"]) == ["col_1", "col_2", "x"]
    header = ["id", "ID", "Id ", "i.d", "a_b_2", "a b", "a_b"]
    names = column_names(header)
    assert len(names) == len(header) and len(set(names)) == len(names)
