"""kgsynth.llm exports a sorted, resolvable __all__, and importing it does not import openai."""

from __future__ import annotations

import subprocess
import sys

import kgsynth.llm


def _ruff_order(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, name)


def test_llm_all_is_sorted_and_resolves():
    assert list(kgsynth.llm.__all__) == sorted(kgsynth.llm.__all__, key=_ruff_order)
    missing = [name for name in kgsynth.llm.__all__ if not hasattr(kgsynth.llm, name)]
    assert missing == []


def test_llm_import_does_not_load_openai_until_the_backend_is_asked_for():
    code = (
        "import sys, kgsynth.llm; before = 'openai' in sys.modules; "
        "kgsynth.llm.OpenAIBackend; print(before, 'openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False True"
