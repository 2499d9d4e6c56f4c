"""Lint: data text reaches a Markdown-rendering Streamlit call only through ``cockpit.text.literal.literal``.

Streamlit reads Markdown (and, with ``unsafe_allow_html``, HTML) in headings, captions, info
boxes, the sidebar, metric labels, widget labels, tabs, expanders, page links and ``help``
tooltips. This test reads the source of cockpit/ui, pages/ and app.py and checks every text
argument of those calls: it must be built only from

- literals (and f-strings whose values are formatted numbers or dates, ``{x:.1f}``),
- the catalogs (``t(...)``, ``ctx.t(...)``, ``t.period(...)``) with safe keyword values,
- numbers (:func:`cockpit.text.numbers.format_value`, ``len``, ``int`` …),
- ``literal(...)``,
- local names and local helper functions whose every assignment / return is itself safe.

Anything else (a data frame cell, an attribute of a data object, a function parameter, a helper
from outside cockpit/ui) is data text and fails the test with its file and line. The checks of
the checker itself are at the end of this file.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "cockpit" / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])

# Streamlit calls whose text arguments are read as Markdown: name -> positional text arguments
MARKDOWN_CALLS = {
    "markdown": (0,), "caption": (0,), "info": (0,), "warning": (0,), "error": (0,), "success": (0,),
    "title": (0,), "header": (0,), "subheader": (0,), "write": (0,), "toast": (0,), "metric": (0,),
    "expander": (0,), "popover": (0,), "page_link": (1,), "button": (0,), "download_button": (0,),
    "link_button": (0,), "form_submit_button": (0,), "checkbox": (0,), "toggle": (0,), "radio": (0,),
    "selectbox": (0,), "multiselect": (0,), "text_input": (0,), "text_area": (0,), "number_input": (0,),
    "slider": (0,), "select_slider": (0,), "date_input": (0,), "file_uploader": (0,), "tabs": (0,),
    "segmented_control": (0,), "pills": (0,), "status": (0,), "badge": (0,),
}
TEXT_KEYWORDS = ("body", "label", "help", "caption", "captions")
NOT_STREAMLIT = {"_LOG", "LOG", "log", "logger", "logging", "str", "self"}

# calls that return no data text (numbers, dates, catalog text)
SAFE_CALLS = {"literal", "format_value", "format_delta", "len", "int", "float", "round", "isoformat",
              "strftime", "period", "urlencode",
              "number",  # cockpit.settings.number: a number
              "login_notice"}  # cockpit/web/routes.py: a catalog text chosen by a fixed reason code
TEXT_METHODS = {"replace", "strip", "lower", "upper", "rstrip", "lstrip"}  # safe text stays safe
TRANSLATORS = {"t"}  # t(...), ctx.t(...), sc.t(...): catalog text, checked keyword by keyword


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class Module:
    """One source file: its functions (by name) and the scope chain of every node."""

    def __init__(self, path: Path, source: str | None = None):
        self.path = path
        self.tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
        self.functions: dict[str, ast.AST] = {}
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(node.name, node)

    def scopes(self, node: ast.AST) -> list[ast.AST]:
        """The enclosing functions of ``node``, innermost first, then the module."""
        out = []
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                out.append(node)
        return out + [self.tree]


class Param:
    """A function parameter: safe when every call of the function passes safe text for it."""

    def __init__(self, fn: ast.AST, name: str):
        self.fn, self.name = fn, name


class Checker:
    def __init__(self, modules: list[Module]):
        self.modules = modules
        self.by_function = {}
        for m in modules:
            for name, fn in m.functions.items():
                self.by_function.setdefault(name, (m, fn))
        self._returns: dict[int, bool] = {}

    # -- is an expression free of data text? ------------------------------------------------
    def safe(self, m: Module, expr: ast.expr | None, seen: frozenset = frozenset()) -> bool:
        if expr is None or isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.JoinedStr):
            return all(self.safe(m, v, seen) for v in expr.values)
        if isinstance(expr, ast.FormattedValue):
            return expr.format_spec is not None or self.safe(m, expr.value, seen)
        if isinstance(expr, ast.BinOp):
            return self.safe(m, expr.left, seen) and self.safe(m, expr.right, seen)
        if isinstance(expr, ast.UnaryOp):
            return self.safe(m, expr.operand, seen)
        if isinstance(expr, ast.IfExp):
            return self.safe(m, expr.body, seen) and self.safe(m, expr.orelse, seen)
        if isinstance(expr, ast.BoolOp):
            return all(self.safe(m, v, seen) for v in expr.values)
        if isinstance(expr, ast.Compare):
            return True  # a bool
        if isinstance(expr, (ast.List, ast.Tuple)):
            return all(self.safe(m, e, seen) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return all(self.safe(m, v, seen) for v in expr.values)
        if isinstance(expr, ast.Subscript):  # an entry of a constant table
            return self.safe(m, expr.value, seen)
        if isinstance(expr, ast.DictComp):
            return self.safe(m, expr.value, seen)
        if isinstance(expr, (ast.ListComp, ast.GeneratorExp)):
            return self.safe(m, expr.elt, seen)
        if isinstance(expr, ast.Name):
            return self._name_safe(m, expr, seen)
        if isinstance(expr, ast.Call):
            return self._call_safe(m, expr, seen)
        return False  # attributes, subscripts …: values from data objects

    def _call_safe(self, m: Module, call: ast.Call, seen: frozenset) -> bool:
        name = _name(call.func)
        if name in SAFE_CALLS:
            return True
        if name in TRANSLATORS:
            return all(self.safe(m, kw.value, seen) for kw in call.keywords)  # **table: its values
        if name in ("min", "max", "sum", "abs") and isinstance(call.func, ast.Name):  # of safe values
            return all(self.safe(m, a, seen) for a in call.args)
        if name in TEXT_METHODS and isinstance(call.func, ast.Attribute):
            return self.safe(m, call.func.value, seen) and all(self.safe(m, a, seen) for a in call.args)
        if name in ("get", "pop") and isinstance(call.func, ast.Attribute):  # an entry of a safe table
            return self.safe(m, call.func.value, seen) and all(self.safe(m, a, seen) for a in call.args[1:])
        if name == "join" and isinstance(call.func, ast.Attribute):
            return self.safe(m, call.func.value, seen) and all(self.safe(m, a, seen) for a in call.args)
        if isinstance(call.func, ast.Name) and name in m.functions:
            return self._returns_safe(m, m.functions[name], seen)
        imported = isinstance(call.func, ast.Name) or (
            isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            and self._assignments(m, m.tree, call.func.value.id) == [None])  # module.helper(...)
        if imported and name in self.by_function:
            return self._returns_safe(*self.by_function[name], seen)
        return False

    def _returns_safe(self, module: Module, fn: ast.AST, seen: frozenset) -> bool:
        if id(fn) in self._returns:
            return self._returns[id(fn)]
        if id(fn) in seen:
            return True  # recursion: decided by the other returns
        returns = [n.value for n in ast.walk(fn) if isinstance(n, ast.Return) and module.scopes(n)[0] is fn]
        ok = bool(returns) and all(self.safe(module, r, seen | {id(fn)}) for r in returns)
        self._returns[id(fn)] = ok
        return ok

    def _name_safe(self, m: Module, node: ast.Name, seen: frozenset) -> bool:
        for scope in m.scopes(node):
            found = self._assignments(m, scope, node.id)
            if found is None:
                continue
            key = (id(scope), node.id)
            if key in seen:
                return True  # x = x + ...: decided by the other assignments
            return all(v is not None and (self._param_safe(v, seen | {key}) if isinstance(v, Param)
                                          else self.safe(m, v, seen | {key})) for v in found)
        return False

    def _param_safe(self, param: Param, seen: frozenset) -> bool:
        """Every call of the parameter's function (in the scanned files) passes safe text for it;
        a lambda's or an uncalled function's parameter is data."""
        fn = param.fn
        if isinstance(fn, ast.Lambda):
            return False
        names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
        index = names.index(param.name) if param.name in names else None
        calls = 0
        for module in self.modules:
            for node in ast.walk(module.tree):
                if not (isinstance(node, ast.Call) and _name(node.func) == fn.name):
                    continue
                calls += 1
                given = [kw.value for kw in node.keywords if kw.arg == param.name]
                if index is not None and index < len(node.args):
                    given.append(node.args[index])
                if any(isinstance(a, ast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords):
                    return False
                if not given:
                    defaults = dict(zip(reversed(names), reversed(fn.args.defaults)))
                    defaults.update({a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)})
                    given = [defaults.get(param.name)]
                if not all(self.safe(module, a, seen) for a in given):
                    return False
        return calls > 0

    def _assignments(self, m: Module, scope: ast.AST, name: str) -> list | None:
        """The values assigned to ``name`` directly in ``scope`` (None: not bound there; a None
        value: bound by something that is not a plain assignment, e.g. a parameter or a loop)."""
        values, bound = [], False
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = scope.args
            if name in {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                                        *([args.vararg] if args.vararg else []),
                                        *([args.kwarg] if args.kwarg else [])]}:
                return [Param(scope, name)]
        for node in ast.walk(scope):
            if node is not scope and m.scopes(node)[0] is not scope:
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        values.append(node.value); bound = True
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) \
                            and len(target.elts) == len(node.value.elts) \
                            and any(isinstance(e, ast.Name) and e.id == name for e in target.elts):
                        values += [v for e, v in zip(target.elts, node.value.elts)
                                   if isinstance(e, ast.Name) and e.id == name]; bound = True
                    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                            and target.value.id == name:
                        values.append(node.value); bound = True  # table[key] = text
                    elif any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target)):
                        values.append(None); bound = True
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                values.append(node.value); bound = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("append", "extend", "insert", "add", "update", "setdefault") \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
                values += node.args[-1:]  # what goes into the list, set or table
            elif isinstance(node, ast.NamedExpr) and node.target.id == name:
                values.append(node.value); bound = True
            elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name:
                values.append(node.iter); bound = True  # the items of a list of safe text are safe
            elif isinstance(node, (ast.For, ast.comprehension, ast.withitem)):
                target = node.target if not isinstance(node, ast.withitem) else node.optional_vars
                if target is not None and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target)):
                    values.append(None); bound = True
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                    values.append(None); bound = True
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                values.append(None); bound = True
        return values if bound else None

    @staticmethod
    def _cockpit_imports(m: Module) -> set[str]:
        """Names bound to cockpit modules (``from cockpit.ui import profile_view as profile``)."""
        out = set()
        for node in m.tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cockpit"):
                out |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                out |= {a.asname or a.name for a in node.names if a.name.startswith("cockpit")}
        return out

    # -- the calls ------------------------------------------------------------------------------
    def problems(self, m: Module) -> list[str]:
        out = []
        for node in ast.walk(m.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            if method not in MARKDOWN_CALLS:
                continue
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and (receiver.id in NOT_STREAMLIT or receiver.id in self._cockpit_imports(m)):
                continue
            texts = [node.args[i] for i in MARKDOWN_CALLS[method] if i < len(node.args)]
            texts += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
            for text in texts:
                if not self.safe(m, text):
                    where = f"{m.path.relative_to(ROOT) if m.path.is_absolute() else m.path}:{node.lineno}"
                    out.append(f"{where}: {method}() gets {ast.unparse(text)[:90]!r}")
        return out


def _check(sources: dict[str, str]) -> list[str]:
    modules = [Module(Path(name), textwrap.dedent(src)) for name, src in sources.items()]
    checker = Checker(modules)
    return [p for m in modules for p in checker.problems(m)]


def test_markdown_calls_get_data_text_only_through_literal():
    modules = [Module(p) for p in SOURCES]
    checker = Checker(modules)
    problems = [p for m in modules for p in checker.problems(m)]
    assert not problems, ("data text reaches Markdown without cockpit.text.literal.literal():\n"
                          + "\n".join(problems))


# -- the checker itself -------------------------------------------------------------------------

@pytest.mark.parametrize("code", [
    'st.markdown(f"#### {ctx.t.name(v)}")',
    'st.caption(v["kind"])',
    'st.info(t("scope.note", villages=", ".join(names)))',
    'st.subheader(slide.title)',
    'col.metric(metric_label(ctx, key), "1")',
    'st.button("x", help=str(exc))',
    'st.tabs([t("a"), row.name])',
    'st.sidebar.caption(t("x", name=user.label))',
])
def test_checker_flags_data_text(code):
    assert _check({"m.py": f"def f(ctx, t, v, names, slide, key, exc, row, user):\n    {code}\n"})


@pytest.mark.parametrize("code", [
    'st.markdown(f"#### {literal(ctx.t.name(v), NAME)}")',
    'st.caption(t("x", n=len(names), value=format_value(3, "count")))',
    'st.info(t("scope.note", villages=", ".join(literal(n) for n in names)))',
    'label = t("a")\n    st.subheader(label)',
    'st.metric(t("a"), v["x"])',  # a metric's value is not Markdown
    'st.caption(f"{x:.1f} · {t.period(p)}")',
    'st.markdown(_CSS, unsafe_allow_html=True)',
    'st.write(_line(v))',
    '_LOG.error("boom %s", exc)',
])
def test_checker_accepts_safe_text(code):
    src = (f"_CSS = '<style></style>'\n\ndef _line(v):\n    return literal(v)\n\n"
           f"def f(ctx, t, v, names, x, p, exc):\n    {code}\n")
    assert not _check({"m.py": src})


def test_checker_follows_what_goes_into_a_list():
    src = """
    def panel(t, v):
        lines = [t("a")]
        lines.append(t("b", name=v.name))
        st.info("\\n".join(lines))
    """
    assert len(_check({"m.py": src})) == 1
    assert not _check({"m.py": src.replace("name=v.name", "name=literal(v.name)")})


def test_checker_follows_helpers_and_their_returns():
    src = """
    def _reason(ctx, r):
        if r:
            return ctx.t("a", name=r.name)
        return ctx.t("b")

    def panel(ctx, r):
        st.markdown(f"- {_reason(ctx, r)}")
    """
    assert _check({"m.py": src}) == ["m.py:8: markdown() gets \"f'- {_reason(ctx, r)}'\""]
