"""``check --claims llm`` against a real llama.cpp server with SmolLM2-135M.

The model's proposals are whatever they are; what is asserted is that it never decides a
verdict: each verdict agrees with what the graph itself stores between the two linked
entities, every claim's span is its sentence in the checked text, and every proposal is kept
or dropped and counted. One text, one request.
"""

from __future__ import annotations

import pytest

from kgsynth.llm import Endpoint, OpenAIBackend, SamplingParams
from kgsynth.verify import Checker
from kgsynth.verify.llm_claims import proposals_model
from kgsynth.verify.read import CheckInput
from tests.llm_server import LocalModelServer
from tests.verify.conftest import SCHEMA

pytestmark = pytest.mark.integration

TEXT = "Aspirin treats headache. Ibuprofen causes tremor."


def test_llm_claims_server_verdicts_come_from_the_graph(smollm2_server: LocalModelServer, graph) -> None:
    endpoint = Endpoint(base_url=smollm2_server.base_url, model=smollm2_server.model, timeout=180.0)
    checker = Checker(graph, SCHEMA, claims="llm", llm=OpenAIBackend(endpoint))
    reader = checker.llm_reader
    reader.params = SamplingParams(temperature=0.0, seed=7, max_tokens=160)
    reader.reply_model = proposals_model(SCHEMA, max_items=2)  # SmolLM2 repeats items up to the bound
    (record,) = checker.check_inputs([CheckInput(kind="text", id="t", text=TEXT)])
    counts = reader.counts
    assert counts.texts == 1 and counts.proposed == counts.kept + sum(counts.dropped.values())
    assert len(record.result.verdicts) == counts.kept
    for verdict in record.result.verdicts:
        claim = verdict.claim
        assert claim.rule == "llm:smollm2-135m-instruct"
        assert TEXT[claim.start : claim.end].strip() != ""
        stored = (
            {
                (r.predicate, r.negated)
                for r in graph.relations(subject=claim.subject.entity_id, object=claim.object.entity_id)
            }
            if claim.subject.entity_id and claim.object.entity_id
            else set()
        )
        if verdict.status == "supported":
            assert verdict.evidence, "a supported claim carries the graph's facts"
        elif verdict.status == "unlinkable":
            assert None in (claim.subject.entity_id, claim.object.entity_id)
        elif verdict.status == "not_in_graph":
            assert (claim.predicate, claim.negated) not in stored
