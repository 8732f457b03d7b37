"""Dependencies point down: every module imports only from its own layer and the ones below.

    schemas <- domain <- wire, activities <- workflows <- sdk, workers <- cli, console, devtools

`ALLOWED` says exactly which package may import which (the CLI, for one, goes through
the SDK and never imports the worker). Imports are read from the source (ast), wherever
they stand (in a function, under TYPE_CHECKING, inside ``imports_passed_through``), so the
rule cannot break silently.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

_CORE = {"schemas", "domain"}
ALLOWED: dict[str, set[str]] = {
    "schemas": {"schemas"},
    "domain": _CORE,
    "wire": _CORE | {"wire"},
    "activities": _CORE | {"activities"},
    "workflows": _CORE | {"activities", "workflows"},
    "sdk": _CORE | {"wire", "activities", "workflows", "sdk"},
    "workers": _CORE | {"wire", "activities", "workflows", "workers"},
    "cli": _CORE | {"wire", "activities", "workflows", "sdk", "cli"},
    "console": _CORE | {"wire", "activities", "workflows", "sdk", "console"},
    "devtools": _CORE | {"wire", "activities", "workflows", "sdk", "workers", "devtools"},
}
"""For each package, the packages of this project it may import from."""

HARNESSES = {"tests", "bench"}
"""They drive the whole engine, so they may import any layer; nothing may import them."""

PACKAGES = set(ALLOWED) | HARNESSES


def _packages_on_disk() -> set[str]:
    return {p.parent.name for p in REPO.glob("*/__init__.py")}


def _imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level name) of every absolute import in the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.partition(".")[0]


def test_every_package_has_a_place_in_the_layers():
    assert _packages_on_disk() == PACKAGES


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down(package: str):
    wrong = []
    for path in sorted((REPO / package).rglob("*.py")):
        for line, name in _imported(ast.parse(path.read_text(), filename=str(path))):
            if name in PACKAGES and name not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    assert not wrong, f"{package} may import only {sorted(ALLOWED[package])}:\n" + "\n".join(wrong)


def test_the_check_sees_imports_wherever_they_stand():
    source = (
        "import schemas.state\n"
        "from workers import worker\n"
        "def f():\n"
        "    from cli.main import main\n"
        "if TYPE_CHECKING:\n"
        "    import devtools.demo as demo\n"
        "from . import sibling\n"
    )
    assert sorted(name for _, name in _imported(ast.parse(source))) == [
        "cli",
        "devtools",
        "schemas",
        "workers",
    ]
