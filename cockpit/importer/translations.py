"""Value translations: what a source's own codes mean here.

A coded field (case status and channel, village kind and urban/rural, task status, and the
references to domains, departments and categories) accepts a fixed set of codes, each under its
usual spellings. A source that writes "Referred Out", "Voice In" or "Pothole" says what these
mean once; the translations are kept with its mapping and applied before a cell is read, so next
month's file loads the same way. :func:`untranslated` lists the file's values that neither read
as a code nor have a translation yet, most frequent first, for the user to translate.
"""

from __future__ import annotations

from collections import Counter

from cockpit.importer.values import ENUMS, parse_enum
from cockpit.importer.kinds import REFERENCES, Field, Kind
from cockpit.importer.problems import ValueProblem
from cockpit.importer.reading import RawTable
from cockpit.values.import_context import Context

__all__ = ["coded_fields", "allowed", "untranslated", "translate", "parse_value_option", "value_options"]

_REFERENCED = ("domains", "departments", "categories")


def _reference(kind: Kind, f: Field) -> str | None:
    ref = REFERENCES.get(kind.table or "", {}).get(f.name)
    return ref if ref in _REFERENCED else None


def coded_fields(kind: Kind) -> list[Field]:
    """The fields of ``kind`` whose values are codes a translation may give."""
    return [f for f in kind.fields if f.parser.startswith("enum:") or _reference(kind, f)]


def allowed(kind: Kind, f: Field, ctx: Context) -> list[str]:
    """The codes field ``f`` accepts (an enumeration's codes, or the referenced table's ids)."""
    if f.parser.startswith("enum:"):
        return sorted(set(ENUMS[f.parser[5:]].values()))
    return sorted(ctx.ids.get(_reference(kind, f), set()))


def _key(cell) -> str:
    return str(cell).strip().lower()


def translate(cell, table: dict[str, str] | None):
    """``cell`` as the translation ``table`` (their value -> our code; case and spaces ignored) says."""
    if not table or cell is None:
        return cell
    return {_key(k): v for k, v in table.items()}.get(_key(cell), cell)


def _reads(kind: Kind, f: Field, cell, ctx: Context) -> bool:
    if f.parser.startswith("enum:"):
        try:
            parse_enum(cell, f.parser[5:])
            return True
        except ValueProblem:
            return False
    ref = _reference(kind, f)
    text = str(cell).strip()
    return text in ctx.ids.get(ref, set()) or len(ctx.names.get(ref, {}).get(text.lower(), [])) == 1


def untranslated(raw: RawTable, kind: Kind, mapping: dict[str, str | None], ctx: Context,
                 translations: dict[str, dict[str, str]] | None = None, limit: int = 200) -> dict[str, list[tuple[str, int]]]:
    """For each mapped coded field: the file's distinct values (with their row counts, most rows
    first, at most ``limit``) that neither read as a code nor have a translation."""
    out = {}
    for f in coded_fields(kind):
        header = mapping.get(f.name)
        if not header or header not in raw.headers:
            continue
        j = raw.headers.index(header)
        table = (translations or {}).get(f.name) or {}
        counts = Counter(str(row[j]).strip() for row in raw.rows if row[j] is not None and str(row[j]).strip())
        unknown = [(v, n) for v, n in counts.most_common()
                   if not _reads(kind, f, translate(v, table), ctx)]
        if unknown:
            out[f.name] = unknown[:limit]
    return out


def parse_value_option(text: str) -> tuple[str, str, str]:
    """``field:theirs=ours`` (the command line's ``--value``) as (field, theirs, ours)."""
    name, sep, rest = text.partition(":")
    theirs, eq, ours = rest.rpartition("=")
    if not sep or not eq or not name.strip() or not theirs.strip() or not ours.strip():
        raise ValueError(f"--value {text!r}: write FIELD:THEIR VALUE=OUR CODE, e.g. channel:Voice In=hotline")
    return name.strip(), theirs.strip(), ours.strip()


def value_options(tables: dict[str, dict[str, str]]) -> tuple[tuple[str, str, str], ...]:
    """Translations field -> their value -> our code as the (field, theirs, ours) triples of
    :class:`cockpit.importer.validate.Options`, in a stable order."""
    return tuple((name, theirs, ours) for name, table in sorted(tables.items())
                 for theirs, ours in sorted(table.items()))
