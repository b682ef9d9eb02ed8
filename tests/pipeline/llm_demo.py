"""Shared by the LLM-mode tests: the demo medical graph, its work items, and a grounded echo model.

The echo model answers each prompt with the reply a perfect model would give: the template
sample's own question, its reasoning steps citing the right fact ids, and its answer (found
from the draft question the prompt quotes). Tests change one thing in it to hit one gate
bucket, so every rejection asserted is caused by that one change.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kgsynth.generate.prompted import PathFrame
from kgsynth.pipeline.llm_generate import LLMSpec, work_items
from kgsynth.pipeline.synthesize import SynthesisSpec
from kgsynth.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
_DRAFT = re.compile(r"^(?:Plain draft of the question|问题草稿)[:：] ?(.*)$", re.MULTILINE)


_BUILT: dict[str, Path] = {}


def build_demo(folder: Path) -> Path:
    """The bundled medical demo documents built into ``folder/kg.db`` with the CLI, as a user would.

    Built once per test session (the first caller's folder); later callers get the same store.
    """
    if "demo" in _BUILT:
        return _BUILT["demo"]
    store = _BUILT["demo"] = folder / "kg.db"
    docs = ROOT / "examples" / "docs" / "medical"
    command = [sys.executable, "-m", "kgsynth", "-q", "build", str(docs), "--ontology", "medical"]
    subprocess.run([*command, "--store", str(store)], check=True, capture_output=True)
    return store


def grounded(frame: PathFrame) -> dict[str, Any]:
    """The reply that passes every test of the gate for ``frame``."""
    ids = {relation: fact for fact, relation in frame.fact_ids.items()}
    reference = frame.reference
    return {
        "question": reference.question.partition("\n")[0] if reference.choices else reference.question,
        "reasoning": [{"fact": ids[s.relation_id], "text": s.text} for s in reference.reasoning],
        "answer": reference.answer,
    }


class Echo:
    """A scripted-model callable for ``FakeLLM``: the grounded reply of whichever item is asked.

    ``change`` rewrites the reply (and may look at the frame) before it is sent.
    """

    def __init__(
        self,
        store: GraphStore,
        synthesis: SynthesisSpec,
        spec: LLMSpec,
        change: Callable[[dict[str, Any], PathFrame], dict[str, Any]] | None = None,
    ) -> None:
        self.frames = {}
        for _, sample in work_items(store, synthesis, spec.items_for(synthesis.n)):
            frame = PathFrame.of(sample)
            self.frames[frame.context(cot=True)["draft"]] = frame
        self.change = change
        self.asked: list[str] = []

    def frame_of(self, messages: list[dict[str, str]]) -> PathFrame:
        user = next(m["content"] for m in messages if m["role"] == "user")
        return self.frames[_DRAFT.search(user).group(1).strip()]

    def __call__(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        frame = self.frame_of(messages)
        self.asked.append(frame.reference.id)
        reply = grounded(frame)
        return self.change(reply, frame) if self.change else reply

    def script(self, count: int = 200) -> list[Callable[[list[dict[str, str]]], dict[str, Any]]]:
        return [self] * count
