"""The module boundaries issue 9 draws: reportlab behind one seam, public APIs only."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "iapreport"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_adapter_imports_reportlab():
    importers = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                       if any(name == "reportlab" or name.startswith("reportlab.") for name in _imports(p)))
    assert importers == ["writers/_reportlab.py"]


def test_the_adapter_and_the_layout_use_no_private_attribute_of_another_object():
    """`x._name` only on our own objects (self), never on a reportlab or pyphen object (a named
    tuple's own API, `_replace` and the like, is public)."""
    public = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}
    for name in ("writers/_reportlab.py", "writers/fonts.py", "writers/_lines.py", "writers/pdf.py"):
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and node.attr not in public):
                owner = node.value
                assert isinstance(owner, ast.Name) and owner.id in ("self", "cls"), \
                    f"{name}:{node.lineno}: .{node.attr} on {ast.unparse(owner)}"


def test_the_layout_sees_plain_metrics_not_reportlab_types():
    from iapreport.theme import load_theme
    from iapreport.writers._reportlab import read_font

    program = read_font(load_theme().fonts["serif"].regular)
    assert type(program.widths) is dict and type(program.coverage) is frozenset
    assert all(type(k) is str and type(v) is float for k, v in list(program.widths.items())[:50])
    assert program.postscript_name == "PTSerif-Regular"
