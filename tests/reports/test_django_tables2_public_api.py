"""`reports` uses django-tables2 through its public API only, so that its next release cannot
change our tables silently: no name django-tables2 keeps private (one starting with an
underscore that it defines: a method, an attribute, a function) is read, called, overridden or
imported anywhere in reports/, and no class of ours extends its rows or bound columns."""

import ast
from pathlib import Path

import django_tables2

import reports

# What django-tables2 documents as the public face of these and builds itself: extending them
# means overriding how they work inside.
INTERNAL_CLASSES = {"BoundRow", "BoundPinnedRow", "BoundRows", "BoundColumn", "BoundColumns"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def _private_names() -> set[str]:
    """Every private name django-tables2's source defines."""
    names = set()
    for path in Path(django_tables2.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if _is_private(name)}


PRIVATE = _private_names()


def _uses(source: str, filename: str = "<source>") -> list[str]:
    """Each use of a private django-tables2 name in `source`, as 'file:line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            found.append(f"{where}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django_tables2"):
            parts = node.module.split(".") + [alias.name for alias in node.names]
            found += [f"{where}: import {part}" for part in parts if _is_private(part)]
        elif isinstance(node, ast.ClassDef):
            bases = {getattr(base, "id", getattr(base, "attr", None)) for base in node.bases}
            found += [f"{where}: class {node.name}({b})" for b in bases & INTERNAL_CLASSES]
            found += [
                f"{filename}:{method.lineno}: def {node.name}.{method.name}"
                for method in node.body
                if isinstance(method, ast.FunctionDef) and method.name in PRIVATE
            ]
    return found


def test_django_tables2s_private_names_are_found_where_it_defines_them():
    assert {"_get_and_render_with", "_call_render", "_optional_cell_arguments"} <= PRIVATE
    assert {"_record", "_table", "_counter"} <= PRIVATE


def test_a_fork_of_django_tables2s_row_is_caught():
    fork = """
from django_tables2.rows import BoundRow
from django_tables2.utils import _private_helper

class Row(BoundRow):
    def _call_render(self, bound_column, value=None):
        given = self._optional_cell_arguments(bound_column, value)
        return super()._get_and_render_with(bound_column, self._call_render, None)
"""
    uses = _uses(fork)
    assert len(uses) == 6, uses
    assert any("class Row(BoundRow)" in use for use in uses)
    assert any("import _private_helper" in use for use in uses)


def test_reports_uses_no_private_name_of_django_tables2():
    root = Path(reports.__file__).parent
    uses = []
    for path in sorted(root.rglob("*.py")):
        uses += _uses(path.read_text(encoding="utf-8"), str(path.relative_to(root.parent)))
    assert uses == []
