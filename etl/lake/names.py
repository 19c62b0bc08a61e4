"""Column and table names: what Athena accepts."""

import re
import unicodedata

# Characters NFKD does not decompose into a base letter plus marks, folded by hand.
_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"})


def athena_name(name: str, position: int) -> str:
    """A name Athena takes unquoted: lower case, [a-z0-9_], accents folded ('Prénom' -> 'prenom').

    A name with nothing left ('', '%') becomes col_<position> (1-based); a name starting with a digit gets 'c_'.
    """
    folded = unicodedata.normalize("NFKD", name.strip().lower().translate(_FOLDS))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    cleaned = re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_")
    if not cleaned:
        return "col_%d" % position
    return "c_" + cleaned if cleaned[0].isdigit() else cleaned


def column_names(header: list[str]) -> list[str]:
    """Athena names for a header, in order, all distinct: a clash gets _2, _3... ('a b', 'a_b' -> 'a_b', 'a_b_2')."""
    taken: set[str] = set()
    names = []
    for position, raw in enumerate(header, start=1):
        base = athena_name(raw, position)
        name, n = base, 1
        while name in taken:
            n += 1
            name = "%s_%d" % (base, n)
        taken.add(name)
        names.append(name)
    return names


def table_clashes(datasets: list[str]) -> dict[str, str]:
    """Dataset folders whose curated tables would share a name ('sales-eu' and 'sales_eu'), with the problem."""
    by_table: dict[str, list[str]] = {}
    for name in datasets:
        by_table.setdefault(athena_name(name, 0), []).append(name)
    return {
        name: "dataset folders %s all make the table %s: rename all but one" % (", ".join(names), table)
        for table, names in by_table.items()
        if len(names) > 1
        for name in names
    }
