"""The layers of the app, held by a scan of every import (top-level and inside functions).

    pages/*.py, streamlit_app.py  ->  lessons/<lesson>/  ->  ui/  ->  mlp_core/

- mlp_core never imports streamlit, altair, ui or lessons: it is usable from a notebook;
- ui never imports a lesson: it is the glue every lesson shares;
- a lesson's analysis (lessons/*/analysis.py) never imports streamlit or altair;
- nothing imports from tests/.
"""

from __future__ import annotations

import ast

import pytest
from conftest import ROOT

TEST_MODULES = {path.stem for path in (ROOT / "tests").glob("*.py")}
APP_FILES = sorted([*ROOT.glob("mlp_core/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("lessons/**/*.py"),
                    *ROOT.glob("pages/*.py"), ROOT / "streamlit_app.py"])


def imported_modules(path) -> set[str]:
    """Top-level names of every module `path` imports (relative imports resolved to the package)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = path.relative_to(ROOT).parts[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(package if node.level else (node.module or "").split(".")[0])
    return names


def relative(path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", APP_FILES, ids=relative)
def test_nothing_imports_from_tests(path):
    assert not imported_modules(path) & TEST_MODULES, relative(path)


@pytest.mark.parametrize("path", sorted(ROOT.glob("mlp_core/**/*.py")), ids=relative)
def test_the_core_imports_no_streamlit_no_altair_no_ui_no_lesson(path):
    assert not imported_modules(path) & {"streamlit", "altair", "ui", "lessons"}, relative(path)


@pytest.mark.parametrize("path", sorted(ROOT.glob("ui/**/*.py")), ids=relative)
def test_ui_imports_no_lesson(path):
    assert "lessons" not in imported_modules(path), relative(path)


@pytest.mark.parametrize("path", sorted(ROOT.glob("lessons/*/analysis*.py")), ids=relative)
def test_a_lessons_analysis_imports_no_streamlit_no_altair(path):
    assert not imported_modules(path) & {"streamlit", "altair"}, relative(path)


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = ROOT / "mlp_core" / "_layers_probe.py"
    try:
        module.write_text("def later():\n    import streamlit\n    from ui import live\n")
        assert imported_modules(module) == {"streamlit", "ui"}
    finally:
        module.unlink()

