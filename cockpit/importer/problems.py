"""Problems the importer reports: a code plus values, rendered in either language.

Every problem found in a file is a :class:`Problem`: a short ``code`` (the catalog key is
``import.problem.<code>``) and the values its message needs. The same problem is shown in Chinese
on the data page, in English by the command line, and written to the downloadable report.

A file that cannot be imported at all raises :class:`ImportFailed`, carrying one Problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cockpit.i18n import Translator

__all__ = ["Problem", "ImportFailed", "ValueProblem", "text"]


@dataclass(frozen=True)
class Problem:
    """One problem: ``code`` names it, ``params`` fill its message."""

    code: str
    params: dict = field(default_factory=dict)

    def text(self, t: Translator | None = None) -> str:
        """The message in the language of ``t`` (English when None)."""
        return text(self.code, self.params, t)


def text(code: str, params: dict, t: Translator | None = None) -> str:
    t = t or Translator("en")
    key = f"import.problem.{code}"
    if not t.has(key):
        return f"{code} {params}" if params else code
    return t(key, **{k: _show(v, t, _LABELS.get(k)) for k, v in params.items()})


# Parameters that name a field or a table are shown by their label in the user's language.
_LABELS = {"field": "import.field.", "fields": "import.field.", "table": "import.kind."}


def _show(value, t: Translator, prefix: str | None = None) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v, t, prefix) for v in value)
    if prefix and t.has(f"{prefix}{value}"):
        return t(f"{prefix}{value}")
    return str(value)


class ValueProblem(ValueError):
    """A cell value that cannot be used; raised by the value parsers."""

    def __init__(self, code: str, **params):
        self.problem = Problem(code, params)
        super().__init__(f"{code}: {self.problem.text()}")


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, wrong kind, no rows …)."""

    def __init__(self, code: str, **params):
        self.problem = Problem(code, params)
        super().__init__(f"{code}: {self.problem.text()}")
