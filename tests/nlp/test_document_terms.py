"""Document-scoped terms ("the Company", "this Agreement") stay in their document (issue 11)."""

from __future__ import annotations

import pytest

from kgsynth.ingest.assemble import assemble
from kgsynth.model import Chunk, Document, EntityType, RelationType, Schema
from kgsynth.nlp import EntityResolver
from kgsynth.nlp.document_terms import DocumentTerms, bare
from kgsynth.nlp.facts import FoundMention, FoundRelation, TextFacts

SCHEMA = Schema(
    name="contracts",
    entity_types=(EntityType(name="Agreement", label="agreement"), EntityType(name="Jurisdiction")),
    relation_types=(
        RelationType(name="governed_by", domain=("Agreement",), range=("Jurisdiction",), functional=True),
    ),
)
TERMS = DocumentTerms(SCHEMA, frozenset({"company", "licensee"}))


@pytest.mark.parametrize(
    ("name", "scoped"),
    [
        ("Agreement", True),
        ("this Agreement", True),
        ('the "Company"', True),
        ("Licensee", True),
        ("agreements", True),
        ("TRADEMARK LICENSE AGREEMENT", False),
        ("State of California", False),
    ],
)
def test_document_term_is_a_type_label_or_a_listed_word(name, scoped):
    assert (name in TERMS) is scoped


def test_bare_drops_quotes_case_and_determiner():
    assert bare(' the "Company" ') == "company"


def mention(
    text: str, within: str, canonical: str | None = None, type_: str = "Agreement", at: int | None = None
) -> FoundMention:
    start = within.index(text) if at is None else at
    return FoundMention(
        start=start,
        end=start + len(text),
        text=text,
        type=type_,
        canonical=canonical or text,
        method="test",
        sentence_start=0,
        sentence_end=len(within),
    )


def graph_of(text: str, mentions: list[FoundMention], relations: tuple[FoundRelation, ...] = ()):
    document = Document.from_text(text, source="contract.txt")
    chunk = Chunk.of(document, 0, len(text))
    facts = TextFacts(text=text, mentions=tuple(mentions), relations=relations)
    return assemble(document, [chunk], [facts], EntityResolver(SCHEMA), SCHEMA, TERMS)


def test_bare_defined_term_refers_to_the_documents_one_entity_of_its_type_and_is_no_alias():
    text = "TRADEMARK LICENSE AGREEMENT. This Agreement shall be governed by the laws of Ohio."
    found = [
        mention("TRADEMARK LICENSE AGREEMENT", text),
        mention("Agreement", text, at=text.index("This Agreement") + 5),
        mention("Ohio", text, type_="Jurisdiction"),
    ]
    relation = FoundRelation(
        subject=1,
        object=2,
        predicate="governed_by",
        confidence=0.9,
        rule="test",
        sentence_start=0,
        sentence_end=len(text),
    )
    batch = graph_of(text, found, (relation,)).batch
    assert [(e.name, e.aliases) for e in batch.entities if e.type == "Agreement"] == [
        ("TRADEMARK LICENSE AGREEMENT", ())
    ]
    assert [(r.subject, r.object) for r in batch.relations] == [
        ("Agreement:trademark license agreement", "Jurisdiction:ohio")
    ]


def test_defined_term_resolved_to_its_name_adds_no_alias():
    text = 'ACME SUPPLY AGREEMENT (the "Agreement").'
    found = [
        mention("ACME SUPPLY AGREEMENT", text),
        mention("Agreement", text, canonical="ACME SUPPLY AGREEMENT"),
    ]
    [entity] = graph_of(text, found).batch.entities
    assert (entity.name, entity.aliases) == ("ACME SUPPLY AGREEMENT", ())


def test_bare_term_with_no_single_referent_is_dropped_and_counted():
    text = "ALPHA AGREEMENT and BETA AGREEMENT. The Agreement ends."
    found = [
        mention("ALPHA AGREEMENT", text),
        mention("BETA AGREEMENT", text),
        mention("Agreement", text, at=text.index("The Agreement") + 4),
    ]
    graph = graph_of(text, found)
    assert sorted(e.name for e in graph.batch.entities) == ["ALPHA AGREEMENT", "BETA AGREEMENT"]
    assert graph.dropped == {
        'mentions of the document-scoped term "Agreement" with no single Agreement to refer to': 1
    }


def test_resolver_never_merges_names_whose_numbers_differ():
    resolver = EntityResolver(SCHEMA)
    first = resolver.resolve("Jurisdiction", "December 31, 2025")
    second = resolver.resolve("Jurisdiction", "December 31, 2024")
    assert first.entity_id != second.entity_id
