"""Our own demo samples, stripped to question + answer, check out against the graph they came from.

The self-consistency case of issue 11 part A: build the bundled demo corpus and generate samples
with the CLI as a user would (``--format raw``), drop the kgsynth provenance, and check: by type,
at least 95% supported and none contradicted (closed world, as kgsynth's own negatives are made);
the same samples with a wrong answer that needs no graph reading to pick (another option of a
multiple-choice question, the opposite yes/no answer, the count plus one, the other entity of a
comparison): at most 5% supported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kgsynth.store import open_store
from kgsynth.verify import Checker, CheckInput

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TYPES = ("factoid", "multihop", "yesno", "mcq", "count", "comparison")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, list[dict]]:
    folder = tmp_path_factory.mktemp("demo")
    store = folder / "kg.db"
    cli = [sys.executable, "-m", "kgsynth", "-q"]
    for domain in ("medical", "legal"):
        docs = ROOT / "examples" / "docs" / domain
        subprocess.run([*cli, "build", str(docs), "--ontology", domain, "--store", str(store)], check=True)
    out = folder / "raw.jsonl"
    spec = ["--n", "200", "--hops", "1-3", "--types", ",".join(TYPES), "--format", "raw", "--seed", "7"]
    subprocess.run([*cli, "generate", "--store", str(store), *spec, "-o", str(out)], check=True)
    return store, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def statuses(store: Path, records: list[dict], answers: list[str]) -> dict[str, Counter[str]]:
    inputs = [
        CheckInput(id=r["id"], kind="qa", question=r["question"], answer=a)
        for r, a in zip(records, answers, strict=True)
    ]
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    with open_store(str(store)) as graph:
        for record, checked in zip(
            records, Checker(graph, closed_world=True).check_inputs(inputs), strict=True
        ):
            by_type[record["type"]][checked.result.status] += 1
    return by_type


def test_stripped_demo_samples_are_supported_by_type_and_never_contradicted(demo):
    store, records = demo
    by_type = statuses(store, records, [r["answer"] for r in records])
    assert set(by_type) == set(TYPES)
    for kind, counts in by_type.items():
        assert counts["contradicted"] == 0, kind
        assert counts["supported"] / sum(counts.values()) >= 0.95, (kind, dict(counts))


def wrong_answer(record: dict) -> str:
    """A wrong answer that needs no graph reading to pick."""
    answer = record["answer"]
    if record["type"] == "mcq":
        return next(c for c in record["choices"] if c != answer)
    if answer.lower() in ("yes", "no") or record["type"] == "yesno":
        return "No" if answer.lower().startswith("yes") else "Yes"
    if record["type"] == "count":
        return str(int(answer) + 1)
    a, b = (e["name"] for e in record["path"]["entities"][:2])  # "which has more, A or B"
    return b if answer.casefold() == a.casefold() else a


def test_stripped_demo_samples_with_a_wrong_option_or_polarity_are_not_supported(demo):
    store, records = demo
    chosen = [r for r in records if r["type"] in ("mcq", "yesno", "count", "comparison")]
    wrong = [wrong_answer(r) for r in chosen]
    by_type = statuses(store, chosen, wrong)
    supported = sum(c["supported"] for c in by_type.values())
    assert supported / len(chosen) <= 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the demo documents say "Muscle pain is a side effect of atorvastatin" and "Hearing loss
        # is a serious adverse effect of gentamicin": stored as adverse_effect_of, read as causes
        ("Atorvastatin has the adverse effect muscle pain.", "supported"),
        ("Gentamicin causes hearing loss.", "supported"),
        ("Hearing loss is caused by gentamicin.", "supported"),
        ("Gentamicin does not cause hearing loss.", "contradicted"),
        ("Atorvastatin has the adverse effect hearing loss.", "not_fully_supported"),
        # "Amiodarone can cause myopathy" and "Digoxin ... myopathy" are stored as causes, which
        # the medical ontology makes a sub-property of adverse_effect_of's inverse
        ("Myopathy is an adverse effect of amiodarone.", "supported"),
        ("Amiodarone and digoxin share an adverse effect.", "supported"),
        ("Amiodarone and lisinopril share an adverse effect.", "not_fully_supported"),
    ],
)
def test_adverse_effects_worded_as_causes_check_out_on_the_demo_graph(demo, text, expected):
    store, _ = demo
    with open_store(str(store)) as graph:
        (checked,) = Checker(graph).check_inputs([CheckInput(kind="text", text=text)])
    assert checked.result.status == expected, checked.result
