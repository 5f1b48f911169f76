"""The core stays free of Qt, and light: importing it pulls neither Qt nor torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "specgui" / "core"
QT_MODULES = {"PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6", "qtpy"}
#: Modules that may import torch (the ``specgui.core.dataset`` shim re-exports the training one).
TORCH_ALLOWED = {"specgui.core.dataset", "specgui.core.sanity.run", "specgui.core.sanity.checks",
                 "specgui.core.sanity.distributed", "specgui.core.training.dataset", "specgui.core.training.transforms"}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_qt():
    offenders = {p.name: _imported_roots(p) & QT_MODULES for p in CORE.rglob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_importing_the_core_loads_neither_qt_nor_torch():
    code = (
        "import sys, pkgutil, importlib, specgui.core as c\n"
        "names = [m.name for m in pkgutil.walk_packages(c.__path__, 'specgui.core.')]\n"
        f"heavy = {sorted(TORCH_ALLOWED)!r}\n"
        "assert len(names) > 30, names\n"
        "for name in names:\n"
        "    if name not in heavy and not name.startswith('specgui.core.training'):\n"
        "        importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(QT_MODULES | {'torch'})!r})\n"
        "print(bad)\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
