"""``check --claims llm|both`` with ``FakeLLM``: the LLM proposes claims, the symbolic checker decides.

The graph is the fixture graph of ``conftest.py`` (aspirin treats headache and migraine, ...);
only the model is scripted, so every verdict follows from the graph and the scripted proposal.
"""

from __future__ import annotations

import io
import json

import pytest

from kgsynth.errors import ConfigError
from kgsynth.llm import FakeLLM, FakeReply
from kgsynth.model import Entity, GraphBatch
from kgsynth.verify import Checker, check_file
from kgsynth.verify.read import CheckInput
from tests.verify.conftest import SCHEMA


def proposal(sentence: str, subject: str, relation: str, object_: str, types=("Drug", "Symptom"), **extra):
    return {
        "sentence": sentence,
        "subject": subject,
        "subject_type": types[0],
        "relation": relation,
        "object": object_,
        "object_type": types[1],
        **extra,
    }


def checked(graph, text: str, replies: list, claims: str = "llm", pipeline=None):
    llm = FakeLLM(replies=replies, model="fake-7b")
    checker = Checker(graph, SCHEMA, pipeline, claims=claims, llm=llm)
    (record,) = checker.check_inputs([CheckInput(kind="text", id="r1", text=text)])
    return record, checker, llm


def verdicts(record) -> list[tuple[str, str, str, str, bool]]:
    return [
        (v.status, v.claim.subject.entity_id, v.claim.predicate, v.claim.object.entity_id, v.claim.negated)
        for v in record.result.verdicts
    ]


# --------------------------------------------------------------------------- the graph decides


def test_llm_claims_proposal_absent_from_the_graph_is_not_in_graph(graph) -> None:
    text = "Ibuprofen treats headache."
    record, _, _ = checked(graph, text, [{"claims": [proposal(text, "Ibuprofen", "treats", "headache")]}])
    assert verdicts(record) == [("not_in_graph", "Drug:ibuprofen", "treats", "Symptom:headache", False)]
    assert record.result.status == "not_fully_supported"


def test_llm_claims_a_verdict_in_the_reply_is_ignored(graph) -> None:
    text = "Ibuprofen treats headache."
    item = proposal(text, "Ibuprofen", "treats", "headache", verdict="supported", confidence=1.0)
    record, _, _ = checked(graph, text, [{"claims": [item]}])
    assert [v.status for v in record.result.verdicts] == ["not_in_graph"]


def test_llm_claims_proposal_the_graph_holds_is_supported_with_its_evidence(graph) -> None:
    text = "For headache, aspirin is the usual first choice."
    record, _, _ = checked(graph, text, [{"claims": [proposal(text, "aspirin", "treats", "headache")]}])
    (verdict,) = record.result.verdicts
    assert (verdict.status, verdict.claim.object.entity_id, verdict.claim.rule) == (
        "supported",
        "Symptom:headache",
        "llm:fake-7b",
    )
    assert [e.document_id for r in verdict.evidence for e in r.evidence] == ["doc:aspirin-leaflet"]
    assert (record.result.status, record.read_by) == ("supported", "llm")


def test_llm_claims_negated_proposal_of_a_held_fact_is_contradicted(graph) -> None:
    text = "Aspirin is useless for migraine."
    item = proposal(text, "Aspirin", "treats", "migraine", ("Drug", "Disease"), negated=True)
    record, _, _ = checked(graph, text, [{"claims": [item]}])
    assert verdicts(record) == [("contradicted", "Drug:aspirin", "treats", "Disease:migraine", True)]


def test_llm_claims_names_the_graph_lacks_are_unlinkable(graph) -> None:
    text = "Paracetamol treats headache."
    record, _, _ = checked(graph, text, [{"claims": [proposal(text, "Paracetamol", "treats", "headache")]}])
    assert [(v.status, v.reason) for v in record.result.verdicts] == [
        ("unlinkable", 'no graph entity for "Paracetamol" (Drug)')
    ]


def test_llm_claims_mention_offsets_index_the_checked_text(graph) -> None:
    text = "Notes. Aspirin treats headache."
    record, _, _ = checked(
        graph, text, [{"claims": [proposal("aspirin treats headache", "ASPIRIN", "treats", "Headache")]}]
    )
    (verdict,) = record.result.verdicts
    claim = verdict.claim
    assert (text[claim.start : claim.end], text[claim.subject.start : claim.subject.end]) == (
        "Aspirin treats headache",
        "Aspirin",
    )
    assert text[claim.object.start : claim.object.end] == "headache"


def test_llm_claims_read_chinese_through_the_graph_aliases(graph) -> None:
    graph.write(GraphBatch(entities=(Entity.make("Drug", "aspirin", aliases=("阿司匹林",)),)))
    graph.write(GraphBatch(entities=(Entity.make("Symptom", "headache", aliases=("头痛",)),)))
    text = "阿司匹林可用于治疗头痛。"
    record, _, llm = checked(graph, text, [{"claims": [proposal(text, "阿司匹林", "treats", "头痛")]}])
    assert verdicts(record) == [("supported", "Drug:aspirin", "treats", "Symptom:headache", False)]
    assert llm.calls[0].messages[1]["content"] == "文本：\n阿司匹林可用于治疗头痛。"


# --------------------------------------------------------------------------- drops are counted


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (
            proposal("Aspirin treats headache.", "Aspirin", "cures", "headache"),
            "relation not in the ontology",
        ),
        (proposal("Aspirin cures headache.", "Aspirin", "treats", "headache"), "sentence not in the text"),
        (
            proposal("Aspirin treats headache.", "Paracetamol", "treats", "headache"),
            "subject or object not in the text",
        ),
        (proposal("Aspirin treats headache.", "aspirin", "treats", "headache"), "repeats an earlier claim"),
        (
            proposal("Aspirin treats headache.", "Aspirin", "interacts_with", "aspirin", ("Drug", "Drug")),
            "subject and object are one entity",
        ),
        (  # the graph's headache is a Symptom: it cannot be what treats something
            proposal("Aspirin treats headache.", "headache", "treats", "Aspirin", ("Drug", "Symptom")),
            "graph types do not fit the relation",
        ),
    ],
)
def test_llm_claims_drops_and_counts(graph, item, reason) -> None:
    text = "Aspirin treats headache."
    first = proposal(text, "Aspirin", "treats", "headache")
    record, checker, _ = checked(graph, text, [{"claims": [first, item]}])
    assert verdicts(record) == [("supported", "Drug:aspirin", "treats", "Symptom:headache", False)]
    counts = checker.llm_reader.counts
    assert (counts.proposed, counts.kept, dict(counts.dropped)) == (2, 1, {reason: 1})


def test_llm_claims_unusable_reply_is_counted_and_reads_no_claim(graph) -> None:
    record, checker, _ = checked(
        graph, "Aspirin treats headache.", [FakeReply('{"claims": [', finish_reason="length")]
    )
    assert (record.result.status, record.result.reason) == ("not_fully_supported", "no claim recognised")
    assert dict(checker.llm_reader.counts.unusable) == {"length": 1}


def test_llm_claims_need_an_llm(graph) -> None:
    with pytest.raises(ConfigError, match='claims "llm" needs an LLM'):
        Checker(graph, SCHEMA, claims="llm")


def test_llm_claims_prompt_lists_relations_and_the_schema_enumerates_them(graph) -> None:
    _, _, llm = checked(graph, "Aspirin treats headache.", [{"claims": []}])
    (call,) = llm.calls
    assert "- treats: Drug -> Disease or Symptom" in call.messages[0]["content"]
    properties = call.response_format["json_schema"]["schema"]["$defs"]["Claim"]["properties"]
    assert properties["relation"]["enum"] == sorted(r.name for r in SCHEMA.relation_types)
    assert "verdict" not in properties


# --------------------------------------------------------------------------- both


def test_llm_claims_both_asks_only_about_texts_the_rules_leave_open(graph, pipeline) -> None:
    graph.write(GraphBatch(entities=(Entity.make("Disease", "migraine", aliases=("偏头痛",)),)))
    chinese = "阿司匹林可用于治疗偏头痛。"  # the rules pipeline reads English only
    item = proposal(chinese, "阿司匹林", "treats", "偏头痛", ("Drug", "Disease"))
    graph.write(GraphBatch(entities=(Entity.make("Drug", "aspirin", aliases=("阿司匹林",)),)))
    llm = FakeLLM(replies=[{"claims": [item]}])
    checker = Checker(graph, SCHEMA, pipeline, claims="both", llm=llm)
    records = [
        CheckInput(kind="text", id="read", text="Aspirin treats headache."),
        CheckInput(kind="text", id="open", text=chinese),
    ]
    first, second = checker.check_inputs(records)
    assert (first.result.status, first.read_by, len(llm.calls)) == ("supported", "rules", 1)
    assert llm.calls[0].messages[1]["content"] == f"文本：\n{chinese}"
    assert (second.read_by, verdicts(second), second.result.status) == (
        "rules+llm",
        [("supported", "Drug:aspirin", "treats", "Disease:migraine", False)],
        "supported",
    )


# --------------------------------------------------------------------------- check_file


def test_llm_claims_check_file_reports_the_llm_counts(graph) -> None:
    text = "Ibuprofen treats headache."
    items = [
        proposal(text, "Ibuprofen", "treats", "headache"),
        proposal(text, "Ibuprofen", "heals", "headache"),
    ]
    out = io.StringIO()
    source = io.BytesIO(json.dumps({"id": "a", "text": text}).encode() + b"\n")
    summary = check_file(
        source, out, graph, SCHEMA, claims="llm", llm=FakeLLM(replies=[{"claims": items}], model="m")
    )
    (line,) = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [(c["verdict"], c["rule"]) for c in line["claims"]] == [("not_in_graph", "llm:m")]
    assert summary.llm == (
        "LLM claims (m): 2 proposed for 1 texts, 1 kept, 1 dropped (1 relation not in the ontology)"
    )
