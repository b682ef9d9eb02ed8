"""``build --extractor llm`` against a real llama.cpp server with SmolLM2-135M (English and Chinese).

The model is tiny and mostly wrong; these tests assert what the pipeline does with whatever it
proposes, not how good it is: every stored LLM relation's evidence span is, in the document
text, the quote the model gave; every proposal is either kept or rejected and counted; every
mention indexes the stored text exactly, in Chinese too. One build of two short documents (two
requests) under the small fixture ontology keeps the prompt, and the test, short.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from kgsynth.ingest import build
from kgsynth.ingest.llm_extract import LLMExtractor
from kgsynth.llm import Endpoint, OpenAIBackend, SamplingParams
from kgsynth.store import open_store
from tests.llm_server import LocalModelServer

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data"
ENGLISH = "Aspirin treats headache. Warfarin causes bleeding."
CHINESE = "阿司匹林可用于治疗头痛。"  # one sentence of tests/data/drug_note_zh.txt: a short prompt


class Recording:
    """An ``LLM`` that passes every call on and keeps the replies, to compare with what was stored."""

    def __init__(self, inner: OpenAIBackend) -> None:
        self.inner = inner
        self.model = inner.model
        self.ledger = inner.ledger
        self.replies: list = []

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def complete(self, messages, **options):
        reply = await self.inner.complete(messages, **options)
        self.replies.append(reply)
        return reply


def plain(text: str) -> str:
    """Case, Unicode forms and spacing folded: how the test compares a quote with a span."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()


@pytest.fixture(scope="module")
def fixture_schema():
    """The fixture ontology with its labels and descriptions: a short prompt."""
    from kgsynth.ontology import load_ontology

    return load_ontology(str(DATA / "fixture.ttl"))


@pytest.fixture(scope="module")
def built(smollm2_server: LocalModelServer, fixture_schema, tmp_path_factory):
    schema = fixture_schema
    folder = tmp_path_factory.mktemp("docs")
    (folder / "en.txt").write_text(ENGLISH, encoding="utf-8")
    assert CHINESE in (DATA / "drug_note_zh.txt").read_text(encoding="utf-8")
    (folder / "zh.txt").write_text(CHINESE, encoding="utf-8")
    endpoint = Endpoint(base_url=smollm2_server.base_url, model=smollm2_server.model, timeout=180.0)
    llm = Recording(OpenAIBackend(endpoint))
    params = SamplingParams(temperature=0.0, seed=7, max_tokens=160)
    extractor = LLMExtractor(llm, schema, params=params, max_items=2)  # SmolLM2 repeats items to the bound
    store = open_store(str(folder / "kg.db"))
    report = build([folder], store, schema, extractor="llm", llm=extractor)
    yield store, report, llm.replies
    store.close()


def test_llm_extract_server_asks_once_per_chunk_and_accounts_for_every_proposal(built) -> None:
    _store, report, replies = built
    llm = report.llm
    proposed = sum(len(r.parsed.relations) for r in replies if r.ok)
    assert (len(replies), llm.chunks, report.documents_built) == (2, 2, 2)
    assert llm.proposed == proposed
    assert llm.kept + sum(llm.rejected.values()) == llm.proposed
    assert sum(llm.replies_unusable.values()) == sum(not r.ok for r in replies)
    assert llm.prompt_tokens > 0 and llm.requests >= 2


def test_llm_extract_server_stored_evidence_is_a_quote_the_model_gave(built) -> None:
    store, report, replies = built
    quotes = {plain(item.quote) for r in replies if r.ok for item in r.parsed.relations}
    stored = [
        (e, store.get_document(e.document_id).text)
        for relation in store.relations()
        for e in relation.evidence
        if e.extractor == "llm:smollm2-135m-instruct"
    ]
    assert len(stored) <= report.llm.kept
    for evidence, text in stored:
        assert plain(text[evidence.start : evidence.end]) in quotes


def test_llm_extract_server_mentions_index_the_stored_text_in_both_languages(built) -> None:
    store, _report, _replies = built
    for mention in store.mentions():
        text = store.get_document(mention.document_id).text
        assert text[mention.start : mention.end] == mention.text
