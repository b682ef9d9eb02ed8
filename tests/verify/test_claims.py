"""Claim reading: the real (blank-English) pipeline, linking against a real store, graph-guided claims."""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, EntityType, GraphBatch, Relation, RelationType, Schema
from kgsynth.nlp import build_pipeline
from kgsynth.store import open_store
from kgsynth.verify import check
from kgsynth.verify.check import Checker
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.read import CheckInput
from kgsynth.verify.store_names import write_store_lexicon


def _only(results):
    [result] = list(results)
    return result


@pytest.mark.parametrize(
    ("text", "status", "predicate"),
    [
        ("Aspirin treats headache.", "supported", "treats"),
        ("Headache is treated with aspirin.", "supported", "treated_by"),
        ("Warfarin interacts with aspirin.", "supported", "interacts_with"),
        ("Aspirin does not treat headache.", "contradicted", "treats"),
        ("Ibuprofen induces seizures.", "contradicted", "causes"),
        ("Aspirin is a opioid.", "contradicted", "belongs_to_class"),
        ("Cocaine treats migraine.", "not_in_graph", "treats"),
        ("Aspirin treats pancreatitis.", "unlinkable", "treats"),
        ("Warfarin treats aspirin.", "contradicted", "treats"),  # types fit no proposal: read as written
    ],
)
def test_claims_statement_gets_the_claim_verdict(graph, pipeline, text, status, predicate):
    result = _only(check([text], graph, pipeline=pipeline))
    assert [(v.status, v.claim.predicate) for v in result.verdicts] == [(status, predicate)]


def test_claims_reversed_statement_is_read_as_written_and_contradicted(graph, pipeline):
    result = _only(check(["Headache treats aspirin."], graph, pipeline=pipeline))
    [verdict] = result.verdicts
    assert (verdict.claim.subject.text, verdict.claim.object.text) == ("Headache", "aspirin")
    assert verdict.status == "contradicted"


def test_claims_unlinkable_claim_names_the_entity(graph, pipeline):
    result = _only(check(["Aspirin treats pancreatitis."], graph, pipeline=pipeline))
    assert result.verdicts[0].reason == 'no graph entity for "pancreatitis" (Disease)'
    assert result.reason == '1 claim: 1 unlinkable; no graph entity for "pancreatitis"'


def test_claims_keep_span_and_linking_method(graph, pipeline):
    text = "We know that aspirin treats headache."
    [verdict] = _only(check([text], graph, pipeline=pipeline)).verdicts
    assert text[verdict.claim.start : verdict.claim.end] == "aspirin treats headache"
    assert (verdict.claim.subject.entity_id, verdict.claim.subject.method, verdict.claim.subject.score) == (
        "Drug:aspirin",
        "name",
        1.0,
    )


def test_claims_each_coordinated_object_is_its_own_claim(graph, pipeline):
    result = _only(check(["Lithium causes tremor and treats migraine."], graph, pipeline=pipeline))
    assert [(v.claim.predicate, v.claim.object.text, v.status) for v in result.verdicts] == [
        ("causes", "tremor", "supported"),
        ("treats", "migraine", "not_in_graph"),
    ]
    assert result.status == "not_fully_supported"


TWO_SENTENCES = "Aspirin treats headache. Aspirin and zorbamycin were given together."


@pytest.mark.parametrize(
    ("coverage", "status", "reason"),
    [
        (
            "all",
            "not_fully_supported",
            '1 claim: 1 supported; names "zorbamycin" that the graph does not know, '
            'in no claim; no claim reads what it says of "Aspirin"',
        ),
        (
            "unknown",
            "not_fully_supported",
            '1 claim: 1 supported; names "zorbamycin" that the graph does not know, in no claim',
        ),
        ("none", "supported", "1 claim: 1 supported"),
    ],
)
def test_claims_mentions_outside_every_claim_block_support_per_coverage(
    graph, pipeline, coverage, status, reason
):
    result = _only(check([TWO_SENTENCES], graph, pipeline=pipeline, coverage=coverage))
    assert [v.status for v in result.verdicts] == ["supported"]
    assert (result.status, result.reason) == (status, reason)


@pytest.mark.parametrize(
    ("name", "type_", "expected"),
    [
        ("aspirin", "Drug", ("Drug:aspirin", "name", 1.0)),
        ("acetylsalicylic acid", "Drug", ("Drug:aspirin", "alias", 0.95)),
        ("tremor", "Disease", ("Symptom:tremor", "name:any_type", 1.0)),
        ("warfarine", "Drug", ("Drug:warfarin", "fuzzy", 0.94)),
        ("pancreatitis", "Disease", (None, "", 0.0)),
    ],
)
def test_claims_linker_records_method_and_score(graph, name, type_, expected):
    found = StoreLinker(graph).resolve(type_, name)
    assert (found.entity_id, found.method, round(found.score, 2)) == expected


def test_claims_fuzzy_linking_stays_within_the_type(graph):
    # "warfarine" is close to the Drug warfarin, but a Disease of that name is not looked for fuzzily.
    assert StoreLinker(graph).resolve("Disease", "warfarine").entity_id is None


@pytest.fixture
def derived(tmp_path):
    """A DBpedia-like graph: one type, relations named by camelCase predicates, no synonyms."""
    schema = Schema(
        name="derived",
        entity_types=(EntityType(name="Thing"),),
        relation_types=(
            RelationType(name="leaderName"),
            RelationType(name="birthPlace"),
            RelationType(name="twinTown", synonyms=("twinned with",)),
        ),
    )
    aarhus, leader = Entity.make("Thing", "Aarhus"), Entity.make("Thing", "Jacob Bundsgaard")
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(schema)
        store.write(
            GraphBatch(
                entities=(aarhus, leader),
                relations=(Relation(subject=aarhus.id, predicate="leaderName", object=leader.id),),
            )
        )
        write_store_lexicon(store, schema, tmp_path / "lexicon.tsv")
        yield store, build_pipeline(schema, model="blank", lexicon=tmp_path / "lexicon.tsv")


def test_claims_graph_guided_reading_uses_schema_labels_as_triggers(derived):
    store, pipeline = derived
    [result] = check(["The leader of Aarhus is Jacob Bundsgaard."], store, pipeline=pipeline)
    assert [(v.claim.predicate, v.status, v.claim.rule) for v in result.verdicts] == [
        ("leaderName", "supported", "graph:leaderName")
    ]


@pytest.mark.parametrize(
    ("implicit", "text", "status"),
    [
        (False, "Jacob Bundsgaard was born in Aarhus.", "not_fully_supported"),
        (True, "Jacob Bundsgaard lives in Aarhus.", "supported"),  # the risk --implicit takes
        (True, "Jacob Bundsgaard was born in Aarhus.", "not_fully_supported"),  # "born": birthPlace
        (
            True,
            "Jacob Bundsgaard is twinned with Aarhus.",
            "not_fully_supported",
        ),  # another relation's phrase
    ],
)
def test_claims_implicit_reading_takes_the_graph_relation_when_no_phrase_says_otherwise(
    derived, implicit, text, status
):
    store, pipeline = derived
    [result] = check([text], store, pipeline=pipeline, implicit=implicit)
    assert result.status == status


def test_claims_store_without_schema_is_refused(tmp_path):
    from kgsynth.errors import CheckError

    with open_store(":memory:") as store, pytest.raises(CheckError, match="has no schema registered"):
        Checker(store)


def test_claims_ambiguous_name_lets_the_graph_pick_the_entity(tmp_path, pipeline):
    from tests.verify.conftest import ENTITIES, FACTS, SCHEMA, fact

    # Two entities answer to "headache": one by name, one by alias; the fact is about the second.
    other = Entity.make("Symptom", "cephalalgia", aliases=("headache",))
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(SCHEMA)
        facts = tuple(f for f in FACTS if f.object != "Symptom:headache")
        store.write(
            GraphBatch(
                entities=(*ENTITIES, other), relations=(*facts, fact("Drug:aspirin", "treats", other.id))
            )
        )
        [result] = check(["Aspirin treats headache."], store, pipeline=pipeline)
    [verdict] = result.verdicts
    assert (verdict.status, verdict.claim.object.entity_id) == ("supported", "Symptom:cephalalgia")


def test_claims_pronoun_stands_for_the_previous_sentences_entity(derived):
    store, pipeline = derived
    [result] = check(
        ["Aarhus is a city in Denmark. Its leader is Jacob Bundsgaard."], store, pipeline=pipeline
    )
    assert [
        (v.claim.subject.text, v.claim.subject.method, v.claim.predicate, v.status) for v in result.verdicts
    ] == [("Its", "pronoun", "leaderName", "supported")]


def test_claims_qualifier_of_a_linked_name_is_not_an_unknown_entity(graph, pipeline, tmp_path):
    from tests.verify.conftest import SCHEMA

    with open_store(str(tmp_path / "places.db")) as store:
        store.ensure_schema(SCHEMA)
        ridge = Entity.make("Drug", "Glen Ridge, New Jersey", aliases=("Glen Ridge",))
        store.write(
            GraphBatch(
                entities=(ridge, Entity.make("Symptom", "headache")),
                relations=(Relation(subject=ridge.id, predicate="treats", object="Symptom:headache"),),
            )
        )
        write_store_lexicon(store, SCHEMA, tmp_path / "places.tsv")
        places = build_pipeline(SCHEMA, model="blank", lexicon=tmp_path / "places.tsv")
        facts = places.extract_one("Glen Ridge New Jersey treats headache.")
        # "New Jersey" is no mention of the blank pipeline; add it as the NER would.
        from kgsynth.nlp.facts import FoundMention

        jersey = FoundMention(
            start=11,
            end=21,
            text="New Jersey",
            type="Drug",
            canonical="New Jersey",
            method="ner:GPE",
            sentence_start=0,
            sentence_end=38,
        )
        facts = facts.model_copy(update={"mentions": (facts.mentions[0], jersey, *facts.mentions[1:])})
        relations = tuple(
            r.model_copy(
                update={"subject": r.subject + (r.subject >= 1), "object": r.object + (r.object >= 1)}
            )
            for r in facts.relations
        )
        facts = facts.model_copy(update={"relations": relations})
        checker = Checker(store, SCHEMA, places)
        checked = checker.check_facts(CheckInput(kind="text", text=facts.text), facts.text, facts)
    assert checked.result.status == "supported"
    assert all(m.text != "New Jersey" for m in checked.uncovered)
