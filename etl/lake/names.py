"""Column and table names: what Athena accepts, and which source header each column holds.

A dataset's columns are matched to the files' headers by the header's text, never by position or order: the same
header lands in the same column in every file and every run. A header seen for the first time gets an Athena name
(its text transliterated to ASCII, lower case, [a-z0-9_]), numbered when another header has that name.
"""

import json
import re
from collections.abc import Iterable

from anyascii import anyascii

# A header as the files write it: its text, and which occurrence of that text it is in its header (1 for the first;
# a header such as "x,y,x" holds two columns named by the text "x").
HeaderField = tuple[str, int]


def athena_name(name: str, position: int) -> str:
    """A name Athena takes unquoted: transliterated to ASCII ('Prénom' -> 'prenom', 'Имя' -> 'imya', '名前' ->
    'mingqian'), lower case, [a-z0-9_]. A name with nothing left ('', '%') becomes col_<position>; a name starting
    with a digit gets 'c_'."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", anyascii(name).lower()).strip("_")
    if not cleaned:
        return "col_%d" % position
    return "c_" + cleaned if cleaned[0].isdigit() else cleaned


def sources_of(header: list[str]) -> list[HeaderField]:
    """Each field of a header as a HeaderField: ['x', 'y', 'x'] -> [('x', 1), ('y', 1), ('x', 2)]."""
    seen: dict[str, int] = {}
    sources = []
    for text in header:
        seen[text] = seen.get(text, 0) + 1
        sources.append((text, seen[text]))
    return sources


def assign_names(known: dict[HeaderField, str], headers: Iterable[list[str]]) -> dict[HeaderField, str]:
    """The column of every source header in `headers`: a known one keeps its column; a new one gets its Athena name,
    numbered _2, _3... past every name taken. New headers are named in an order that no file decides: first
    occurrences first, then headers already written as their own name ('a_b' before 'a b'), then by text, so two
    files with the same headers in another order get the same columns."""
    names = dict(known)
    taken = set(known.values())
    new = {s for header in headers for s in sources_of(header) if s not in names}

    def order(source: HeaderField) -> tuple[int, bool, str]:
        text, occurrence = source
        return occurrence, athena_name(text, occurrence) != text, text

    for source in sorted(new, key=order):
        base = athena_name(source[0], source[1])
        name, n = base, 1
        while name in taken:
            n += 1
            name = "%s_%d" % (base, n)
        taken.add(name)
        names[source] = name
    return names


def column_names(header: list[str]) -> list[str]:
    """The columns of one header in a new dataset, in order."""
    names = assign_names({}, [header])
    return [names[s] for s in sources_of(header)]


_DOC = "CSV header "


def source_doc(source: HeaderField) -> str:
    """A column's doc recording its source header, as people read it in Athena and Glue and as `doc_source`
    parses it back: 'CSV header "Prénom"', 'CSV header "x" (occurrence 2)'."""
    text, occurrence = source
    doc = _DOC + json.dumps(text, ensure_ascii=False)
    return doc if occurrence == 1 else "%s (occurrence %d)" % (doc, occurrence)


def doc_source(doc: str | None) -> HeaderField | None:
    """The source header a column doc records (None: the doc records none)."""
    if not doc or not doc.startswith(_DOC):
        return None
    try:
        text, end = json.JSONDecoder().raw_decode(doc, len(_DOC))
    except ValueError:
        return None
    rest = re.fullmatch(r"(?: \(occurrence ([1-9][0-9]*)\))?", doc[end:])
    if not isinstance(text, str) or rest is None:
        return None
    return text, int(rest.group(1) or 1)


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
