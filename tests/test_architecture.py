"""The layering rules (ARCHITECTURE.md), read from the code itself.

Streamlit only in cockpit/ui/ (and the page scripts); SQL only in cockpit/store/; no import cycle
between modules at import time; imports inside functions only where a start-up must be deferred.
The modules that still break a rule are listed here as known debts (issue 16): the list may only
shrink. A module that newly breaks a rule fails its test; one that no longer does must leave the list.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL_CALL = re.compile(r"\.(execute|executemany|sql)\(")

# module cycles at import time, each a set of modules; a cycle may shrink or go, never grow or appear
KNOWN_CYCLES: list[set[str]] = []
# the only modules that import inside functions, on purpose: the command lines load a command's
# libraries when it runs, and the downloads load the PDF library when a file is made, not with every page
DEFERRING = {"cockpit.cli", "cockpit.importer.cli", "cockpit.store.cli", "cockpit.auth.cli", "cockpit.ui.downloads"}
TOP_LEVEL = {"cockpit", "cockpit.__main__", "cockpit.cli", "cockpit.settings"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / "cockpit").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


MODULES = set(_modules())


def _imports(tree: ast.Module):
    """(imported cockpit module names, at import time?) for every import statement of ``tree``."""
    top, typing_only = set(), set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(inner) for inner in ast.walk(node)}   # never runs
            continue
        for inner in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            top.add(id(inner))
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cockpit"):
            # ``from package import module`` depends on the module, as ``import package.module`` does
            subs = [f"{node.module}.{a.name}" for a in node.names]
            names = subs if all(s in MODULES for s in subs) else [node.module] + subs
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("cockpit")]
        if names:
            yield names, id(node) in top


def test_streamlit_is_imported_only_by_the_ui():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "cockpit").rglob("*.py")
                 if "cockpit/ui/" not in p.as_posix()
                 and re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_sql_runs_in_the_store_only():
    found = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cockpit").rglob("*.py")
             if not p.relative_to(ROOT).as_posix().startswith("cockpit/store/")
             and SQL_CALL.search(p.read_text(encoding="utf-8"))}
    assert found == set(), "SQL outside cockpit/store/"


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_and_imports_inside_functions_only_where_deferred_on_purpose():
    modules = _modules()
    edges = {m: set() for m in modules}
    deferring = set()
    for m, path in modules.items():
        for names, at_import in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if not at_import:
                deferring.add(m)
                continue
            edges[m] |= {n for n in names if n in modules and n != m}
    for cycle in _cycles(edges):
        assert any(cycle <= known for known in KNOWN_CYCLES), f"a new import cycle: {sorted(cycle)}"
    assert deferring <= DEFERRING, f"imports inside functions in {sorted(deferring - DEFERRING)}"


def test_every_module_lives_in_its_capability_s_package():
    """Only the command line and the settings sit at the top of cockpit/."""
    loose = {m for m, path in _modules().items() if path.parent == ROOT / "cockpit"}
    assert loose == TOP_LEVEL


def test_nothing_reaches_into_the_store_s_private_connection():
    """``Store.cursor()`` is the way in; ``store._con`` is the store's own."""
    offenders = [p.relative_to(ROOT).as_posix() for folder in ("cockpit", "tests", "bench")
                 for p in (ROOT / folder).rglob("*.py")
                 if re.search(r"(?<!self)\._con\b", p.read_text(encoding="utf-8"))
                 and p.name != "test_architecture.py"]
    assert offenders == []


def test_pages_and_views_reach_the_database_only_through_ctx_data():
    """One route from a page to its data: the scoped, cached data object (cockpit/ui/data.py). Only
    it and the connection it holds open the database; the web layer checks sessions through it."""
    allowed = {"cockpit/ui/data.py", "cockpit/ui/connection.py"}
    pattern = re.compile(r"connection\.(guarded_store|reading|writing|handle)\(|\bStore\(")
    files = [p for folder in ("cockpit/ui", "pages") for p in (ROOT / folder).rglob("*.py")
             if p.relative_to(ROOT).as_posix() not in allowed]
    offenders = sorted(p.relative_to(ROOT).as_posix() for p in files if pattern.search(p.read_text(encoding="utf-8")))
    offenders += ["app.py"] if pattern.search((ROOT / "app.py").read_text(encoding="utf-8")) else []
    assert offenders == []


@pytest.mark.parametrize("module", ["cockpit.services.index", "cockpit.services.equity", "cockpit.store.real_data",
                                    "cockpit.auth.login", "cockpit.importer.validate", "cockpit.village.briefing",
                                    "cockpit.store.case_queries", "cockpit.store.imports", "cockpit.geo.boundaries",
                                    "cockpit.metrics.month_close", "cockpit.text.privacy", "cockpit.values.case_filter",
                                    "cockpit.planner.queueing", "cockpit.party.review", "cockpit.importer.pipeline"])
def test_a_module_imports_alone(module):
    """A module imported first, in a fresh interpreter: a cycle through a package's ``__init__`` (which
    the import graph above does not see) fails here."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-600:]


def test_every_page_file_is_in_the_one_page_table_and_named_for_its_address():
    """The router (st.navigation) is built from cockpit.ui.pages.PAGES: a page file outside it
    would never be served; a file's name is its address."""
    from cockpit.ui.pages import PAGES
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")}
    assert files == {spec.path for spec in PAGES}
    assert [spec.name for spec in PAGES if spec.default] == ["overview"]
    assert all(spec.url_path == Path(spec.path).stem for spec in PAGES if not spec.default)
    assert "navigation.run()" in (ROOT / "app.py").read_text(encoding="utf-8")
