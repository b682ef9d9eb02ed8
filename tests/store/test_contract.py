"""The GraphStore contract: every operation, run against every backend through the ``store`` fixture.

Fixed here beyond the protocol's docstrings: aliases keep the order they were first written in;
mentions come ordered by document id, then offsets; ``subgraph`` returns the induced subgraph and
its ``limit`` takes the nearest entities first, in id order within a hop. Left to each backend:
the order of a relation's evidence (compared as sets) and exact fuzzy scores (bounds and order
are checked).
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from kgsynth.errors import StoreError, UnknownEntityTypeError, UnknownRelationError
from kgsynth.model import (
    Chunk,
    DeletionReport,
    Document,
    Entity,
    EntityType,
    Evidence,
    GraphBatch,
    Mention,
    Relation,
    RelationType,
    Schema,
)

# --------------------------------------------------------------------------- builders

NOTE = Document.from_text("Aspirin treats headache. Ibuprofen treats fever.", source="note.txt")
CASE = Document.from_text("Aspirin was given for the headache. Paracetamol did not cause nausea.")


def entity(type_name: str, name: str, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity.make(type_name, name, aliases=aliases)


ASPIRIN = entity("Drug", "aspirin", ("acetylsalicylic acid", "ASA"))
IBUPROFEN = entity("Drug", "ibuprofen")
PARACETAMOL = entity("Drug", "paracetamol")
HEADACHE = entity("Symptom", "headache")
FEVER = entity("Symptom", "fever")
NAUSEA = entity("Symptom", "nausea")
MIGRAINE = entity("Disease", "migraine")


def evidence(document: Document, start: int, extractor: str = "pattern:treats") -> Evidence:
    return Evidence(
        document_id=document.id,
        start=start,
        end=start + 10,
        sentence=document.text[start : start + 10],
        extractor=extractor,
    )


def relation(
    subject: Entity, predicate: str, object_: Entity, *found: Evidence, **fields: object
) -> Relation:
    return Relation(subject=subject.id, predicate=predicate, object=object_.id, evidence=found, **fields)


def mention(entity_: Entity, document: Document, start: int) -> Mention:
    return Mention(
        entity_id=entity_.id,
        document_id=document.id,
        start=start,
        end=start + 5,
        text=document.text[start:][:5],
    )


def by_id(relations: list[Relation]) -> list[Relation]:
    return sorted(relations, key=lambda r: r.id)


def without_evidence_order(relations: list[Relation]) -> list[tuple[Relation, frozenset[Evidence]]]:
    return [(r.model_copy(update={"evidence": ()}), frozenset(r.evidence)) for r in relations]


def random_graph(seed: int, entities: int, relations: int) -> GraphBatch:
    """A seeded graph of Drug/Disease/Symptom entities, one evidence per relation."""
    rng = random.Random(seed)
    nodes = [entity(rng.choice(["Drug", "Disease", "Symptom"]), f"node {i:04d}") for i in range(entities)]
    edges = {}
    while len(edges) < relations:
        rel = relation(
            rng.choice(nodes),
            rng.choice(["treats", "causes", "has_symptom"]),
            rng.choice(nodes),
            evidence(NOTE, rng.randrange(40)),
            confidence=round(rng.random(), 2),
        )
        edges[rel.id] = rel
    return GraphBatch(entities=tuple(nodes), relations=tuple(edges.values()))


# A small graph: NOTE supports two facts, CASE one of them plus a negated one; one fact is asserted.
TREATS = relation(ASPIRIN, "treats", HEADACHE, evidence(NOTE, 0), evidence(CASE, 0, "pattern:given_for"))
IBU_TREATS = relation(IBUPROFEN, "treats", FEVER, evidence(NOTE, 25))
NOT_CAUSES = relation(PARACETAMOL, "causes", NAUSEA, evidence(CASE, 36, "pattern:causes"), negated=True)
ASSERTED = relation(MIGRAINE, "has_symptom", HEADACHE)
GRAPH = GraphBatch(
    documents=(NOTE, CASE),
    chunks=(Chunk.of(NOTE, 0, 24), Chunk.of(NOTE, 25, 48)),
    entities=(ASPIRIN, IBUPROFEN, PARACETAMOL, HEADACHE, FEVER, NAUSEA, MIGRAINE),
    mentions=(
        mention(ASPIRIN, NOTE, 0),
        mention(HEADACHE, NOTE, 15),
        mention(IBUPROFEN, NOTE, 25),
        mention(FEVER, NOTE, 42),
        mention(ASPIRIN, CASE, 0),
        mention(HEADACHE, CASE, 26),
        mention(PARACETAMOL, CASE, 36),
        mention(NAUSEA, CASE, 62),
    ),
    relations=(TREATS, IBU_TREATS, NOT_CAUSES, ASSERTED),
)


@pytest.fixture
def graph(store, schema):
    store.ensure_schema(schema)
    store.write(GRAPH)
    return store


# --------------------------------------------------------------------------- write + read back


def test_write_entities_read_back_equal(store, small_batch, aspirin, headache):
    store.write(small_batch)
    assert [store.get_entity(aspirin.id), store.get_entity(headache.id)] == [aspirin, headache]


def test_write_relation_reads_back_equal(store, small_batch, aspirin_treats_headache):
    store.write(small_batch)
    assert store.relations() == [aspirin_treats_headache]


def test_write_document_reads_back_equal(store):
    document = Document.from_text("A short note.", source="a.txt", metadata={"lang": "en", "kind": "note"})
    store.write(GraphBatch(documents=(document,)))
    assert store.get_document(document.id) == document


def test_document_ids_lists_the_documents_of_a_source_sorted(store):
    drafts = [Document.from_text(f"Draft {i} of the note.", source="notes/a.txt") for i in range(3)]
    store.write(GraphBatch(documents=(*drafts, NOTE)))
    assert store.document_ids("notes/a.txt") == sorted(d.id for d in drafts)


def test_iter_documents_pages_every_document_in_id_order(store):
    documents = [Document.from_text(f"Note number {i}.", source=f"n{i}.txt") for i in range(5)]
    store.write(GraphBatch(documents=tuple(documents)))
    pages = list(store.iter_documents(batch_size=2))
    assert ([len(p) for p in pages], [d for p in pages for d in p]) == (
        [2, 2, 1],
        sorted(documents, key=lambda d: d.id),
    )


def test_chunks_of_a_document_come_in_text_order(store):
    late = Chunk(id="chunk:b", document_id=NOTE.id, start=25, end=48, text=NOTE.text[25:48])
    early = Chunk(id="chunk:z", document_id=NOTE.id, start=0, end=24, text=NOTE.text[:24])
    store.write(GraphBatch(documents=(NOTE, CASE), chunks=(late, early)))
    assert (store.chunks(NOTE.id), store.chunks(CASE.id)) == ([early, late], [])


def test_document_ids_of_unknown_source_is_empty(graph):
    assert graph.document_ids("nowhere.txt") == []


@pytest.mark.parametrize("getter", ["get_document", "get_entity"])
def test_get_unknown_id_returns_none(graph, getter):
    assert getattr(graph, getter)("no:such-id") is None


def test_write_same_batch_twice_changes_no_counts(graph):
    before = graph.stats()
    graph.write(GRAPH)
    assert graph.stats() == before


def test_write_same_batch_twice_changes_no_relation(graph):
    before = without_evidence_order(graph.relations())
    graph.write(GRAPH)
    assert without_evidence_order(graph.relations()) == before


# --------------------------------------------------------------------------- merge rules


def test_write_unites_aliases(store):
    store.write(GraphBatch(entities=(entity("Drug", "aspirin", ("ASA",)),)))
    store.write(GraphBatch(entities=(entity("Drug", "aspirin", ("aspirin tablets", "ASA")),)))
    assert store.get_entity(ASPIRIN.id).aliases == ("ASA", "aspirin tablets")


def test_write_later_name_and_type_win(store):
    first = Entity(id="ext:42", type="Drug", name="asprin")
    store.write(GraphBatch(entities=(first,)))
    store.write(GraphBatch(entities=(first.model_copy(update={"name": "aspirin", "type": "Chemical"}),)))
    assert store.get_entity("ext:42") == Entity(id="ext:42", type="Chemical", name="aspirin")


def test_write_unites_evidence_by_key(store):
    one, two = evidence(NOTE, 0), evidence(CASE, 0, "pattern:given_for")
    store.write(
        GraphBatch(entities=(ASPIRIN, HEADACHE), relations=(relation(ASPIRIN, "treats", HEADACHE, one),))
    )
    store.write(GraphBatch(relations=(relation(ASPIRIN, "treats", HEADACHE, two, one),)))
    assert set(store.relations()[0].evidence) == {one, two}


def test_write_stores_repeated_evidence_once(store):
    store.write(GraphBatch(entities=(ASPIRIN, HEADACHE), relations=(TREATS,)))
    store.write(GraphBatch(relations=(TREATS,)))
    assert store.stats().evidence == 2


@pytest.mark.parametrize(("first", "second"), [(0.4, 0.9), (0.9, 0.4)])
def test_write_keeps_the_highest_confidence(store, first, second):
    store.write(
        GraphBatch(entities=(ASPIRIN, HEADACHE), relations=(TREATS.model_copy(update={"confidence": first}),))
    )
    store.write(GraphBatch(relations=(TREATS.model_copy(update={"confidence": second}),)))
    assert store.relations()[0].confidence == 0.9


@pytest.mark.parametrize(
    ("first", "second", "expected"), [(True, True, True), (True, False, False), (False, True, False)]
)
def test_write_keeps_hedged_only_while_every_write_was_hedged(store, first, second, expected):
    store.write(
        GraphBatch(
            entities=(ASPIRIN, HEADACHE),
            relations=(TREATS.model_copy(update={"hedged": first, "confidence": 0.5}),),
        )
    )
    store.write(GraphBatch(relations=(TREATS.model_copy(update={"hedged": second, "confidence": 0.9}),)))
    assert store.relations()[0].hedged is expected


def test_write_keeps_negated_fact_apart_from_positive(store):
    store.write(
        GraphBatch(
            entities=(ASPIRIN, HEADACHE), relations=(TREATS, TREATS.model_copy(update={"negated": True}))
        )
    )
    assert sorted(r.negated for r in store.relations()) == [False, True]


# --------------------------------------------------------------------------- bad batches roll back

VIRUS = Entity.make("Virus", "influenza")
BAD_BATCHES = {
    "unknown entity type": (
        GraphBatch(entities=(IBUPROFEN, VIRUS)),
        UnknownEntityTypeError,
        r'entity type "Virus" is not in the schema fixture\. Types present: Agreement, Amount',
    ),
    "unknown predicate": (
        GraphBatch(entities=(IBUPROFEN,), relations=(relation(IBUPROFEN, "cures", HEADACHE),)),
        UnknownRelationError,
        r'relation "cures" is not in the schema fixture\. Relations present: causes, governed_by',
    ),
    "relation to a missing entity": (
        GraphBatch(entities=(IBUPROFEN,), relations=(relation(IBUPROFEN, "treats", FEVER),)),
        StoreError,
        rf'entity "{FEVER.id}", which is neither in the batch nor in the store',
    ),
    "mention of a missing entity": (
        GraphBatch(documents=(CASE,), entities=(IBUPROFEN,), mentions=(mention(NAUSEA, CASE, 62),)),
        StoreError,
        rf'entity "{NAUSEA.id}", which is neither in the batch nor in the store',
    ),
}


@pytest.fixture
def seeded(store, schema, small_batch):
    """A store with a schema and one fact, for bad batches to be refused by."""
    store.ensure_schema(schema)
    store.write(small_batch)
    return store


@pytest.mark.parametrize("case", BAD_BATCHES)
def test_write_bad_batch_raises_naming_the_offender(seeded, case):
    batch, error, message = BAD_BATCHES[case]
    with pytest.raises(error, match=message):
        seeded.write(batch)


@pytest.mark.parametrize("case", BAD_BATCHES)
def test_write_bad_batch_leaves_the_store_unchanged(seeded, case):
    before = (seeded.stats(), seeded.relations())
    with pytest.raises(BAD_BATCHES[case][1]):
        seeded.write(BAD_BATCHES[case][0])
    assert ((seeded.stats(), seeded.relations()), seeded.get_entity(IBUPROFEN.id)) == (before, None)


# --------------------------------------------------------------------------- finding entities


@pytest.mark.parametrize("query", ["aspirin", "  ASPIRIN ", "Aspirin."])
def test_find_entities_matches_name_ignoring_case_and_space(graph, query):
    assert [(m.entity.id, m.method, m.score) for m in graph.find_entities(query)] == [
        (ASPIRIN.id, "name", 1.0)
    ]


@pytest.mark.parametrize("query", ["acetylsalicylic acid", "asa"])
def test_find_entities_matches_alias(graph, query):
    assert [(m.entity.id, m.method, m.score) for m in graph.find_entities(query)] == [
        (ASPIRIN.id, "alias", 0.95)
    ]


def test_find_entities_puts_name_matches_before_alias_matches(graph):
    graph.write(GraphBatch(entities=(entity("Chemical", "ASA", aliases=("asa",)),)))
    assert [(m.entity.id, m.method) for m in graph.find_entities("ASA")] == [
        ("Chemical:asa", "name"),
        (ASPIRIN.id, "alias"),
    ]


def test_find_entities_without_fuzzy_ignores_near_matches(graph):
    assert graph.find_entities("asprin") == []


def test_find_entities_fuzzy_ranks_near_matches_best_first(graph):
    graph.write(GraphBatch(entities=(entity("Drug", "aspirins"),)))
    matches = graph.find_entities("aspirn", fuzzy=True)
    assert [(m.entity.id, m.method) for m in matches] == [(ASPIRIN.id, "fuzzy"), ("Drug:aspirins", "fuzzy")]
    assert 0.95 > matches[0].score > matches[1].score >= 0.8


def test_find_entities_fuzzy_lists_an_entity_once(graph):
    matches = graph.find_entities("acetylsalicylic acid", fuzzy=True)
    assert [(m.entity.id, m.method) for m in matches] == [(ASPIRIN.id, "alias")]


def test_find_entities_fuzzy_drops_matches_under_min_score(graph):
    assert graph.find_entities("aspxxxxx", fuzzy=True, min_score=0.8) == []


def test_find_entities_fuzzy_follows_rename(graph):
    graph.write(GraphBatch(entities=(ASPIRIN.model_copy(update={"name": "salicylate"}),)))
    assert [m.entity.id for m in graph.find_entities("salicylat", fuzzy=True)] == [ASPIRIN.id]
    assert graph.find_entities("aspirin", fuzzy=True) == []


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [("Drug", [ASPIRIN.id]), ("Chemical", [ASPIRIN.id]), ("Thing", [ASPIRIN.id]), ("Symptom", [])],
)
def test_find_entities_type_filter_includes_subclasses(graph, type_name, expected):
    assert [m.entity.id for m in graph.find_entities("aspirin", type=type_name)] == expected


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [("Drug", [ASPIRIN.id]), ("Thing", [ASPIRIN.id]), (None, [ASPIRIN.id]), ("Symptom", [])],
)
def test_find_entities_fuzzy_type_filter_includes_subclasses(graph, type_name, expected):
    found = graph.find_entities("aspirn", type=type_name, fuzzy=True, min_score=0.85)
    assert [m.entity.id for m in found] == expected


@pytest.mark.parametrize(
    ("name", "misspelt"),
    [
        ("Tylenol-Codeine No. 3", "tylenol-codein no. 3"),
        ("AND/OR gate: [x]~*? \\ +1", "and/or gat: [x]~*? \\ +1"),
        ("NOT (a || b) && c!", "not (a || b) && d!"),
    ],
)
def test_find_entities_fuzzy_reads_names_full_of_query_syntax(graph, name, misspelt):
    # Query languages give these characters a meaning (Lucene: + - && || ! ( ) [ ] ~ * ? : \\ /).
    graph.write(GraphBatch(entities=(entity("Drug", name),)))
    found = graph.find_entities(misspelt, fuzzy=True, limit=1)
    assert [(m.entity.name, m.method) for m in found] == [(name, "fuzzy")]


def test_find_entities_returns_at_most_limit(graph):
    graph.write(GraphBatch(entities=tuple(entity(t, "aspirin") for t in ("Chemical", "Gene", "Party"))))
    assert len(graph.find_entities("aspirin", limit=2)) == 2


# --------------------------------------------------------------------------- mentions


def test_mentions_of_a_document_come_in_text_order(store):
    shuffled = (mention(HEADACHE, NOTE, 15), mention(FEVER, NOTE, 42), mention(ASPIRIN, NOTE, 0))
    store.write(GraphBatch(documents=(NOTE,), entities=(ASPIRIN, HEADACHE, FEVER), mentions=shuffled))
    assert [m.start for m in store.mentions(document_id=NOTE.id)] == [0, 15, 42]


def test_mentions_of_an_entity_span_documents_in_document_order(graph):
    expected = sorted([(NOTE.id, 15), (CASE.id, 26)])
    assert [(m.document_id, m.start) for m in graph.mentions(entity_id=HEADACHE.id)] == expected


def test_mentions_read_back_equal(graph):
    assert graph.mentions(document_id=NOTE.id, entity_id=IBUPROFEN.id) == [mention(IBUPROFEN, NOTE, 25)]


# --------------------------------------------------------------------------- relations


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [TREATS, IBU_TREATS, NOT_CAUSES, ASSERTED]),
        ({"subject": ASPIRIN.id}, [TREATS]),
        ({"object": HEADACHE.id}, [TREATS, ASSERTED]),
        ({"predicate": "treats"}, [TREATS, IBU_TREATS]),
        ({"negated": True}, [NOT_CAUSES]),
        ({"negated": False, "object": NAUSEA.id}, []),
        ({"subject": IBUPROFEN.id, "predicate": "treats", "object": FEVER.id}, [IBU_TREATS]),
    ],
)
def test_relations_match_every_given_field_in_id_order(graph, filters, expected):
    assert without_evidence_order(graph.relations(**filters)) == without_evidence_order(by_id(expected))


def test_relations_returns_at_most_limit(graph):
    assert [r.id for r in graph.relations(limit=2)] == [r.id for r in by_id(list(GRAPH.relations))[:2]]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([IBU_TREATS.id, TREATS.id], [TREATS, IBU_TREATS]),
        ([TREATS.id, TREATS.id, "rel:0000000000000000", "rel:not-an-id", "Drug:aspirin"], [TREATS]),
        ([], []),
    ],
)
def test_relations_by_id_returns_the_known_ones_in_id_order(graph, ids, expected):
    assert without_evidence_order(graph.relations_by_id(ids)) == without_evidence_order(by_id(expected))


@pytest.mark.parametrize(
    ("subject", "predicate", "object_", "expected"),
    [
        (IBUPROFEN, "treats", FEVER, IBU_TREATS),
        (PARACETAMOL, "causes", NAUSEA, None),  # only the negated fact is stored
        (FEVER, "treats", IBUPROFEN, None),
    ],
)
def test_holds_finds_only_the_positive_fact(graph, subject, predicate, object_, expected):
    assert graph.holds(subject.id, predicate, object_.id) == expected


@pytest.mark.parametrize(
    ("direction", "expected"), [("out", []), ("in", [TREATS, ASSERTED]), ("both", [TREATS, ASSERTED])]
)
def test_neighbours_follow_direction(graph, direction, expected):
    found = graph.neighbours(HEADACHE.id, direction=direction)
    assert [r.id for r in found] == [r.id for r in by_id(expected)]


@pytest.mark.parametrize(("direction", "expected"), [("out", [TREATS]), ("in", []), ("both", [TREATS])])
def test_neighbours_of_a_subject_follow_direction(graph, direction, expected):
    assert [r.id for r in graph.neighbours(ASPIRIN.id, direction=direction)] == [r.id for r in expected]


def test_neighbours_keep_only_given_predicates(graph):
    assert [r.id for r in graph.neighbours(HEADACHE.id, predicates=["has_symptom"])] == [ASSERTED.id]


CHAIN = [entity("Drug", f"chain {i}") for i in range(5)]
CHAIN_RELATIONS = [relation(a, "interacts_with", b) for a, b in pairwise(CHAIN)]


@pytest.mark.parametrize(("hops", "expected"), [(0, [2]), (1, [1, 2, 3]), (2, [0, 1, 2, 3, 4])])
def test_subgraph_reaches_entities_within_hops(store, hops, expected):
    store.write(GraphBatch(entities=tuple(CHAIN), relations=tuple(CHAIN_RELATIONS)))
    found = store.subgraph(CHAIN[2].id, hops)
    assert [e.id for e in found.entities] == sorted(CHAIN[i].id for i in expected)


@pytest.mark.parametrize(("hops", "expected"), [(1, [1, 2]), (2, [0, 1, 2, 3])])
def test_subgraph_holds_the_relations_among_its_entities(store, hops, expected):
    store.write(GraphBatch(entities=tuple(CHAIN), relations=tuple(CHAIN_RELATIONS)))
    found = store.subgraph(CHAIN[2].id, hops)
    assert [r.id for r in found.relations] == sorted(CHAIN_RELATIONS[i].id for i in expected)


def test_subgraph_stops_at_limit_taking_nearest_entities_in_id_order(store):
    store.write(GraphBatch(entities=tuple(CHAIN), relations=tuple(CHAIN_RELATIONS)))
    found = store.subgraph(CHAIN[2].id, 2, limit=2)
    assert [e.id for e in found.entities] == sorted(CHAIN[i].id for i in (1, 2))


def test_subgraph_follows_only_given_predicates(graph):
    found = graph.subgraph(HEADACHE.id, 1, predicates=["treats"])
    assert ([e.id for e in found.entities], [r.id for r in found.relations]) == (
        sorted([ASPIRIN.id, HEADACHE.id]),
        [TREATS.id],
    )


def test_subgraph_of_unknown_entity_is_empty(graph):
    assert graph.subgraph("Drug:nothing", 2).entities == ()


# --------------------------------------------------------------------------- whole graph


def test_stats_count_every_kind(graph):
    graph.write(GraphBatch(entities=(entity("Gene", "BRCA1"),)))
    stats = graph.stats()
    assert stats.model_dump() == {
        "documents": 2,
        "chunks": 2,
        "entities": 8,
        "mentions": 8,
        "relations": 4,
        "evidence": 4,
        "entities_by_type": {"Drug": 3, "Symptom": 3, "Disease": 1, "Gene": 1},
        "relations_by_predicate": {"treats": 2, "causes": 1, "has_symptom": 1},
        "orphan_entities": 1,
    }


def test_stats_of_empty_store_are_zero(store):
    assert store.stats().model_dump() == {
        "documents": 0,
        "chunks": 0,
        "entities": 0,
        "mentions": 0,
        "relations": 0,
        "evidence": 0,
        "entities_by_type": {},
        "relations_by_predicate": {},
        "orphan_entities": 0,
    }


def test_iter_entities_pages_through_all_in_id_order(store):
    batch = random_graph(seed=11, entities=230, relations=10)
    store.write(batch)
    pages = list(store.iter_entities(batch_size=50))
    assert ([len(page) for page in pages], [e for page in pages for e in page]) == (
        [50, 50, 50, 50, 30],
        sorted(batch.entities, key=lambda e: e.id),
    )


def test_iter_relations_pages_through_all_in_id_order(store):
    batch = random_graph(seed=12, entities=60, relations=260)
    store.write(batch)
    pages = list(store.iter_relations(batch_size=64))
    assert ([len(page) for page in pages], [r for page in pages for r in page]) == (
        [64, 64, 64, 64, 4],
        by_id(list(batch.relations)),
    )


def test_iter_relations_without_evidence_leaves_it_out(store):
    store.write(random_graph(seed=13, entities=20, relations=30))
    relations = [r for page in store.iter_relations(batch_size=7, with_evidence=False) for r in page]
    assert (len(relations), {r.evidence for r in relations}) == (30, {()})


# --------------------------------------------------------------------------- deleting a document


def test_delete_document_reports_what_it_removed(graph):
    assert graph.delete_document(CASE.id) == DeletionReport(
        document_id=CASE.id, documents=1, chunks=0, mentions=4, evidence=2, relations=1, entities=2
    )


def test_delete_document_keeps_relation_supported_elsewhere(graph):
    graph.delete_document(CASE.id)
    assert graph.holds(ASPIRIN.id, "treats", HEADACHE.id).evidence == (evidence(NOTE, 0),)


def test_delete_document_removes_relation_only_it_supported(graph):
    graph.delete_document(CASE.id)
    assert graph.relations(negated=True) == []


def test_delete_document_keeps_relations_that_never_had_evidence(graph):
    graph.delete_document(NOTE.id)
    assert graph.relations(predicate="has_symptom") == [ASSERTED]


def test_delete_document_removes_only_entities_left_unused(graph):
    graph.delete_document(CASE.id)
    gone = [e.id for e in GRAPH.entities if graph.get_entity(e.id) is None]
    assert sorted(gone) == sorted([PARACETAMOL.id, NAUSEA.id])


@pytest.mark.parametrize("end", ["subject", "object"])
def test_delete_document_keeps_entity_still_in_a_relation(store, end):
    kept = (
        relation(MIGRAINE, "has_symptom", HEADACHE)
        if end == "object"
        else relation(HEADACHE, "causes", NAUSEA)
    )
    store.write(
        GraphBatch(
            documents=(NOTE,),
            entities=(MIGRAINE, HEADACHE, NAUSEA),
            mentions=(mention(HEADACHE, NOTE, 15),),
            relations=(kept,),
        )
    )
    store.delete_document(NOTE.id)
    assert store.get_entity(HEADACHE.id) == HEADACHE


def test_delete_document_forgets_aliases_of_removed_entities(store):
    zed = entity("Gene", "zeta", aliases=("zed",))
    store.write(GraphBatch(documents=(NOTE,), entities=(zed,), mentions=(mention(zed, NOTE, 0),)))
    store.delete_document(NOTE.id)
    store.write(GraphBatch(entities=(entity("Gene", "eta"),)))
    assert (store.find_entities("zed", fuzzy=True), store.get_entity("Gene:eta").aliases) == ([], ())


def test_delete_document_removes_its_document_chunks_and_mentions(graph):
    graph.delete_document(NOTE.id)
    stats = graph.stats()
    assert (graph.get_document(NOTE.id), stats.chunks, graph.mentions(document_id=NOTE.id)) == (None, 0, [])


def test_delete_document_leaves_other_documents_whole(graph):
    graph.delete_document(NOTE.id)
    assert (graph.get_document(CASE.id), len(graph.mentions(document_id=CASE.id))) == (CASE, 4)


def test_delete_unknown_document_raises(graph):
    with pytest.raises(StoreError, match='no document "doc:missing"'):
        graph.delete_document("doc:missing")


# --------------------------------------------------------------------------- schema


def test_schema_of_new_store_is_empty(store):
    assert store.schema() == Schema()


def test_schema_round_trips(store, schema):
    store.ensure_schema(schema)
    assert store.schema() == schema


def test_ensure_schema_merges_keeping_stored_types(store, schema):
    store.ensure_schema(schema)
    store.ensure_schema(
        Schema(
            entity_types=(EntityType(name="Drug", description="changed"), EntityType(name="Virus")),
            relation_types=(RelationType(name="infects", domain=("Virus",)),),
        )
    )
    merged = store.schema()
    assert (
        [t.name for t in merged.entity_types][-2:],
        merged.entity_type("Drug").parents,
        [r.name for r in merged.relation_types][-1],
    ) == (["Amount", "Virus"], ("Chemical",), "infects")


def test_clear_empties_store_and_schema(graph):
    graph.clear()
    assert (graph.stats().entities, graph.stats().relations, graph.schema()) == (0, 0, Schema())


def test_iter_relations_of_empty_store_yields_nothing(store):
    assert list(store.iter_relations()) == []
