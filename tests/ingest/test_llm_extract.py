"""LLM extraction (``build --extractor llm|both``) with ``FakeLLM``: what is kept, where, and what is counted.

Every test builds into a real SQLite store through ``build``; only the model is scripted, so
each expected offset, count and confidence follows from the document text and the scripted
reply alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgsynth.errors import ConfigError, ExtractionError
from kgsynth.ingest import build
from kgsynth.ingest.llm_extract import LLM_CONFIDENCE, LLMExtractor
from kgsynth.llm import FakeLLM, FakeReply
from kgsynth.model import Schema
from kgsynth.store import GraphStore, open_store
from tests.ingest.regex_pipeline import RegexPipeline

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    with open_store(str(tmp_path / "kg.db")) as graph:
        yield graph


def relation(quote: str, subject: str, rel: str, object_: str, types=("Drug", "Symptom"), negated=False):
    return {
        "quote": quote,
        "subject": subject,
        "subject_type": types[0],
        "relation": rel,
        "object": object_,
        "object_type": types[1],
        "negated": negated,
    }


def write(tmp_path: Path, text: str, name: str = "a.txt") -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def llm_build(folder: Path, store: GraphStore, schema: Schema, replies: list, **options):
    extractor = LLMExtractor(FakeLLM(replies=replies, model="fake-7b"), schema)
    report = build(
        [folder], store, schema, extractor=options.pop("extractor", "llm"), llm=extractor, **options
    )
    return report, extractor


def spans(store: GraphStore) -> list[tuple[str, str, str, str]]:
    """(subject, predicate, object, the document text at the evidence span) of every relation."""
    out = []
    for r in sorted(store.relations(), key=lambda r: r.key):
        for e in r.evidence:
            out.append(
                (r.subject, r.predicate, r.object, store.get_document(e.document_id).text[e.start : e.end])
            )
    return out


# --------------------------------------------------------------------------- kept relations


def test_llm_extract_evidence_span_is_the_quote_in_the_document(tmp_path, store, schema) -> None:
    text = "Intro line.\n\nToday aspirin treats headache quickly."
    reply = {"relations": [relation("aspirin treats headache", "aspirin", "treats", "headache")]}
    llm_build(write(tmp_path, text), store, schema, [reply])
    (found,) = store.relations()
    (evidence,) = found.evidence
    assert (found.subject, found.object, evidence.start, evidence.end) == (
        "Drug:aspirin",
        "Symptom:headache",
        19,
        42,
    )
    assert (evidence.sentence, evidence.extractor, found.confidence) == (
        "Today aspirin treats headache quickly.",
        "llm:fake-7b",
        LLM_CONFIDENCE,
    )


def test_llm_extract_mentions_index_the_document_exactly(tmp_path, store, schema) -> None:
    text = "Intro line.\n\nToday aspirin treats headache quickly."
    reply = {"relations": [relation("aspirin treats headache", "Aspirin", "treats", "headache")]}
    llm_build(write(tmp_path, text), store, schema, [reply])
    document = store.get_document(store.mentions()[0].document_id)
    assert [(m.entity_id, m.start, m.end, document.text[m.start : m.end]) for m in store.mentions()] == [
        ("Drug:aspirin", 19, 26, "aspirin"),
        ("Symptom:headache", 34, 42, "headache"),
    ]


def test_llm_extract_finds_a_quote_after_normalisation(tmp_path, store, schema) -> None:
    text = "Note: \u201cAspirin\u201d treats headache \u2013 often."
    quote = '"aspirin"  treats HEADACHE - often'
    llm_build(
        write(tmp_path, text),
        store,
        schema,
        [{"relations": [relation(quote, "aspirin", "treats", "headache")]}],
    )
    assert spans(store) == [
        ("Drug:aspirin", "treats", "Symptom:headache", "\u201cAspirin\u201d treats headache \u2013 often")
    ]


def test_llm_extract_keeps_negation(tmp_path, store, schema) -> None:
    text = "Aspirin does not treat tremor."
    reply = {
        "relations": [relation("Aspirin does not treat tremor", "aspirin", "treats", "tremor", negated=True)]
    }
    llm_build(write(tmp_path, text), store, schema, [reply])
    assert [(r.subject, r.object, r.negated) for r in store.relations()] == [
        ("Drug:aspirin", "Symptom:tremor", True)
    ]


def test_llm_extract_writes_listed_entities_the_chunk_names(tmp_path, store, schema) -> None:
    text = "Warfarin is an anticoagulant."
    reply = {"entities": [{"name": "warfarin", "type": "Drug"}, {"name": "heparin", "type": "Drug"}]}
    report, _ = llm_build(write(tmp_path, text), store, schema, [reply])
    assert [e.id for page in store.iter_entities() for e in page] == ["Drug:warfarin"]
    assert (report.llm.entities_proposed, report.llm.entities_rejected) == (2, 1)


# --------------------------------------------------------------------------- rejected relations


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (relation("aspirin cures headache", "aspirin", "treats", "headache"), "quote not in the chunk"),
        (
            relation("Aspirin treats headache", "headache", "treats", "aspirin", ("Symptom", "Drug")),
            "domain/range violated",
        ),
        (relation("Aspirin treats headache", "aspirin", "cures", "headache"), "relation not in the ontology"),
        (
            relation("Aspirin treats headache", "aspirin", "treats", "headache", ("Drug", "Pain")),
            "entity type not in the ontology",
        ),
        (
            relation("Aspirin treats headache", "ibuprofen", "treats", "headache"),
            "subject or object not named in the quoted sentence",
        ),
        (  # named in the chunk, but not in the sentence the quote comes from
            relation("Aspirin treats headache", "aspirin", "treats", "bleeding"),
            "subject or object not named in the quoted sentence",
        ),
    ],
)
def test_llm_extract_rejects_and_counts(tmp_path, store, schema, item, reason) -> None:
    text = "Aspirin treats headache. Warfarin causes bleeding."
    kept = relation("Warfarin causes bleeding", "warfarin", "causes", "bleeding")
    report, _ = llm_build(write(tmp_path, text), store, schema, [{"relations": [item, kept]}])
    assert [(r.subject, r.predicate, r.object) for r in store.relations()] == [
        ("Drug:warfarin", "causes", "Symptom:bleeding")
    ]
    assert (report.llm.proposed, report.llm.kept, report.llm.rejected) == (2, 1, {reason: 1})


def test_llm_extract_counts_an_unusable_reply_and_builds_on(tmp_path, store, schema) -> None:
    folder = write(tmp_path, "Aspirin treats headache.", "a.txt")
    write(tmp_path, "Warfarin causes bleeding.", "b.txt")
    cut = FakeReply('{"relations": [{"quote": "Aspi', finish_reason="length")
    ok = {"relations": [relation("Warfarin causes bleeding", "warfarin", "causes", "bleeding")]}
    report, _ = llm_build(folder, store, schema, [cut, ok])
    assert (report.documents_built, report.relations, report.llm.replies_unusable) == (2, 1, {"length": 1})


def test_llm_extract_strict_stops_at_a_rejected_relation_and_writes_nothing_of_it(
    tmp_path, store, schema
) -> None:
    folder = write(tmp_path, "Aspirin treats headache.")
    reply = {"relations": [relation("aspirin cures headache", "aspirin", "treats", "headache")]}
    with pytest.raises(
        ExtractionError, match=r"a\.txt: llm:fake-7b relation rejected \(quote not in the chunk\)"
    ):
        llm_build(folder, store, schema, [reply], strict=True)
    assert store.stats().documents == 0


def test_llm_extract_build_without_an_llm_is_refused(tmp_path, store, schema) -> None:
    with pytest.raises(ConfigError, match='extractor "llm" needs an LLM'):
        build([write(tmp_path, "x.")], store, schema, extractor="llm")


def test_llm_extract_report_summary_names_every_reason(tmp_path, store, schema) -> None:
    text = "Aspirin treats headache."
    items = [
        relation("Aspirin treats headache", "aspirin", "treats", "headache"),
        relation("aspirin cures headache", "aspirin", "treats", "headache"),
    ]
    report, _ = llm_build(write(tmp_path, text), store, schema, [{"relations": items}])
    assert (
        report.llm.summary()
        == "LLM fake-7b: 2 relations proposed, 1 kept, 1 rejected (1 quote not in the chunk)"
    )
    assert report.summary().endswith("; " + report.llm.summary())


# --------------------------------------------------------------------------- prompts


def test_llm_extract_prompt_lists_the_ontology_and_the_chunk(tmp_path, store, schema) -> None:
    _, extractor = llm_build(write(tmp_path, "Aspirin treats headache."), store, schema, [{}])
    (call,) = extractor.llm.calls
    system, user = call.messages[0]["content"], call.messages[1]["content"]
    assert "- treats: Drug -> Disease or Symptom" in system
    assert "- interacts_with: Drug -> Drug (symmetric)" in system
    assert user == "Text:\nAspirin treats headache."
    schema_sent = call.response_format["json_schema"]["schema"]
    assert schema_sent["$defs"]["Relation"]["properties"]["relation"]["enum"] == sorted(
        r.name for r in schema.relation_types
    )


def test_llm_extract_prompts_a_chinese_chunk_in_chinese(tmp_path, store, schema) -> None:
    _, extractor = llm_build(write(tmp_path, "阿司匹林可用于治疗头痛。"), store, schema, [{}])
    assert extractor.llm.calls[0].messages[1]["content"] == "文本：\n阿司匹林可用于治疗头痛。"


# --------------------------------------------------------------------------- Chinese


def test_llm_extract_chinese_document_offsets_index_the_chinese_text(tmp_path, store, schema) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text(
        (DATA / "drug_note_zh.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    reply = {
        "relations": [
            relation("阿司匹林可用于治疗头痛", "阿司匹林", "treats", "头痛"),
            relation("两种药物存在相互作用", "阿司匹林", "interacts_with", "华法林", ("Drug", "Drug")),
            relation("华法林可引起出血", "华法林", "causes", "出血"),
            relation(
                "布洛芬不能用于治疗偏头痛", "布洛芬", "treats", "偏头痛", ("Drug", "Disease"), negated=True
            ),
        ]
    }
    report, _ = llm_build(folder, store, schema, [reply])
    assert spans(store) == [
        ("Drug:华法林", "causes", "Symptom:出血", "华法林可引起出血"),
        # a symmetric relation is stored from the smaller id: 华 (U+534E) before 阿 (U+963F)
        ("Drug:华法林", "interacts_with", "Drug:阿司匹林", "两种药物存在相互作用"),
        ("Drug:布洛芬", "treats", "Disease:偏头痛", "布洛芬不能用于治疗偏头痛"),
        ("Drug:阿司匹林", "treats", "Symptom:头痛", "阿司匹林可用于治疗头痛"),
    ]
    assert (report.llm.chunks, report.llm.kept, report.llm.rejected) == (1, 4, {})


# --------------------------------------------------------------------------- both


def test_llm_extract_both_raises_confidence_where_they_agree(tmp_path, store, schema) -> None:
    text = "Aspirin treats headache. Warfarin is dangerous with aspirin."
    reply = {
        "relations": [
            relation("Aspirin treats headache", "aspirin", "treats", "headache"),
            relation(
                "Warfarin is dangerous with aspirin",
                "warfarin",
                "interacts_with",
                "aspirin",
                ("Drug", "Drug"),
            ),
        ]
    }
    report, _ = llm_build(
        write(tmp_path, text), store, schema, [reply], extractor="both", pipeline=RegexPipeline()
    )
    treats = store.holds("Drug:aspirin", "treats", "Symptom:headache")
    interacts = store.holds("Drug:aspirin", "interacts_with", "Drug:warfarin")
    assert treats.confidence == pytest.approx(1 - (1 - 0.9) * (1 - LLM_CONFIDENCE))
    assert sorted(e.extractor for e in treats.evidence) == ["llm:fake-7b", "pattern:treats:regex"]
    assert interacts.confidence == LLM_CONFIDENCE
    assert report.llm.agreement.model_dump() == {
        "both": 1,
        "rules_only": 0,
        "llm_only": 1,
        "polarity_conflicts": 0,
    }


def test_llm_extract_both_counts_what_only_the_rules_read_and_polarity_conflicts(
    tmp_path, store, schema
) -> None:
    text = "Aspirin treats headache. Warfarin causes bleeding."
    reply = {
        "relations": [relation("Aspirin treats headache", "aspirin", "treats", "headache", negated=True)]
    }
    report, _ = llm_build(
        write(tmp_path, text), store, schema, [reply], extractor="both", pipeline=RegexPipeline()
    )
    assert report.llm.agreement.model_dump() == {
        "both": 0,
        "rules_only": 2,
        "llm_only": 1,
        "polarity_conflicts": 1,
    }
    assert store.holds("Drug:aspirin", "treats", "Symptom:headache").confidence == 0.9


def test_llm_extract_rejects_a_fact_stated_both_ways(tmp_path, store, schema) -> None:
    text = "Aspirin treats headache."
    items = [
        relation("Aspirin treats headache", "aspirin", "treats", "headache"),
        relation("Aspirin treats headache", "Aspirin", "treats", "headache", negated=True),
    ]
    report, _ = llm_build(write(tmp_path, text), store, schema, [{"relations": items}])
    assert (store.relations(), report.llm.rejected) == ([], {"stated both ways in one reply": 2})


def test_llm_extract_stores_no_entity_of_a_rejected_relation(tmp_path, store, schema) -> None:
    text = "Aspirin treats headache."
    reply = {"relations": [relation("aspirin cures headache", "aspirin", "treats", "headache")]}
    report, _ = llm_build(write(tmp_path, text), store, schema, [reply])
    assert (report.entities, report.mentions, report.llm.rejected) == (0, 0, {"quote not in the chunk": 1})


def test_llm_extract_both_counts_an_inverse_reading_as_agreement() -> None:
    from kgsynth.ingest.assemble import DocumentGraph
    from kgsynth.ingest.llm_extract.combine import combine
    from kgsynth.model import Evidence, GraphBatch, Relation, RelationType

    schema = Schema(
        relation_types=(
            RelationType(name="treats", inverse_of="treated_by"),
            RelationType(name="treated_by"),  # declared on one side only
        )
    )

    def graph(subject: str, predicate: str, object_: str, confidence: float, extractor: str) -> DocumentGraph:
        evidence = Evidence(document_id="doc:1", start=0, end=5, extractor=extractor)
        relation = Relation(
            subject=subject, predicate=predicate, object=object_, confidence=confidence, evidence=(evidence,)
        )
        return DocumentGraph(batch=GraphBatch(relations=(relation,)), dropped=Counter())

    rules = graph("Symptom:headache", "treated_by", "Drug:aspirin", 0.9, "pattern:treated_by")
    llm = graph("Drug:aspirin", "treats", "Symptom:headache", 0.6, "llm:m")
    combined, agreement = combine(rules, llm, schema)
    assert (agreement.both, agreement.rules_only, agreement.llm_only) == (1, 0, 0)
    assert [round(r.confidence, 6) for r in combined.batch.relations] == [0.96, 0.96]
