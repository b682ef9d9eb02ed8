"""kgsynth.__all__ is sorted, complete, and every name resolves to what its module defines."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import kgsynth

PACKAGE = Path(kgsynth.__file__).parent


def test_public_api_all_is_sorted_and_unique():
    assert kgsynth.__all__ == sorted(set(kgsynth.__all__))


def test_public_api_all_lists_exactly_the_lazy_exports():
    assert set(kgsynth.__all__) == set(kgsynth._EXPORTS)


@pytest.mark.parametrize("name", kgsynth.__all__)
def test_public_api_name_resolves_to_its_module_object(name):
    module = importlib.import_module(kgsynth._EXPORTS[name])
    assert getattr(kgsynth, name) is getattr(module, name)


def test_public_api_type_checking_imports_match_exports():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kgsynth.")
        for alias in node.names
    }
    assert imported == set(kgsynth.__all__)


def test_public_api_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = kgsynth.nope


def _ruff_order(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps ``__all__`` in: CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, name)


@pytest.mark.parametrize("package", ["export", "generate", "nlp", "ontology", "rdf", "store"])
def test_public_api_stage_all_is_sorted(package):
    module = importlib.import_module(f"kgsynth.{package}")
    assert list(module.__all__) == sorted(module.__all__, key=_ruff_order)
    for name in module.__all__:
        assert hasattr(module, name), f"kgsynth.{package}.__all__ names {name!r}, which it lacks"


def test_public_api_import_does_not_load_spacy():
    code = "import sys, kgsynth; print('spacy' in sys.modules, 'rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
