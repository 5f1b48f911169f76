"""The layering holds: core and app free of Qt, torch only where the pass and training need it,
no import cycle between specgui modules, a small core top level, small files."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "specgui"
QT_MODULES = {"PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6", "qtpy"}
#: Where torch may be imported: the sanity pass, training, and the ``specgui.core.dataset`` shim.
TORCH_HOMES = ("specgui.core.sanity", "specgui.core.training", "specgui.core.dataset",
               "specgui.core.audit.distributed")  # the torchrun audit gathers over torch.distributed
#: Outside specgui/gui only the CLI's window command may reach Qt.
QT_ALLOWED_OUTSIDE_GUI = {"specgui.cli.cmd_gui"}
MAX_CORE_TOP_LEVEL = 8
#: The only functions widgets and models may take from core and app: arithmetic over values
#: they hold already (no file, no job). The rest they take are types and constants.
PURE_HELPERS_FOR_WIDGETS = {"clamp_rect", "format_value", "mapping_from_metadata", "missing_real_unit_fields",
                            "count_statuses"}
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str) -> list[str]:
    """Every module ``name`` imports, at any level (function bodies and TYPE_CHECKING too)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in MODULES]
    return found


def _roots(name: str) -> set[str]:
    return {module.split(".")[0] for module in _imports(name)}


def _imports_torch_on_import(name: str) -> bool:
    """Whether importing ``name`` itself loads torch (a top-level import; lazy ones do not)."""
    body = ast.parse(MODULES[name].read_text()).body
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) and any(
        (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0] == "torch"
        for alias in node.names) for node in body) or name == "specgui.core.dataset"


def _graph() -> dict[str, set[str]]:
    return {name: {m for m in _imports(name) if m in MODULES and m != name} for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_specgui_modules():
    assert _cycles(_graph()) == []


def test_qt_only_under_gui():
    offenders = {name: _roots(name) & QT_MODULES for name in MODULES
                 if not name.startswith("specgui.gui") and name not in QT_ALLOWED_OUTSIDE_GUI}
    assert not {k: v for k, v in offenders.items() if v}


def test_torch_only_in_the_sanity_pass_and_training():
    importers = {name for name in MODULES if "torch" in _roots(name)}
    assert importers and all(name.startswith(TORCH_HOMES) for name in importers), importers


def test_core_keeps_a_small_top_level():
    top = sorted(p.name for p in (PACKAGE / "core").glob("*.py"))
    assert len(top) <= MAX_CORE_TOP_LEVEL, top


def test_no_file_over_400_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long


def test_importing_core_and_app_loads_neither_qt_nor_torch():
    light = sorted(n for n in MODULES if n.startswith(("specgui.core", "specgui.app")) and not _imports_torch_on_import(n)
                   and not n.startswith("specgui.core.training"))
    code = (
        "import sys, importlib\n"
        f"for name in {light!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(QT_MODULES | {'torch'})!r})\n"
        "print(bad)\n"
        "assert not bad, bad\n"
    )
    assert len(light) > 35
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_widgets_and_models_take_only_types_and_pure_helpers_from_core_and_app():
    """Widgets never call the core: files are read and written by jobs that controllers run."""
    import importlib

    taken = []
    for name, path in MODULES.items():
        if not name.startswith(("specgui.gui.widgets", "specgui.gui.models")):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("specgui.core", "specgui.app")):
                module = importlib.import_module(node.module)
                taken += [(name, node.module, alias.name, getattr(module, alias.name)) for alias in node.names]
    assert taken, "the scan found no import at all"
    calls = [(name, f"{module}.{what}") for name, module, what, value in taken
             if callable(value) and not isinstance(value, type) and what not in PURE_HELPERS_FOR_WIDGETS]
    assert calls == []
