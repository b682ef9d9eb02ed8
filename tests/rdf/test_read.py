"""RDF -> entities, relations and schema, without a store."""

from __future__ import annotations

import pytest

from kgsynth.errors import InputError, UnknownEntityTypeError, UnknownRelationError
from kgsynth.model import ROOT_TYPE, Entity, EntityType, GraphBatch, Relation, RelationType, Schema
from kgsynth.rdf import read_rdf
from kgsynth.rdf.names import BNODE_NS
from tests.rdf.graphs import PHARMA

EX = "https://example.org/kg/"
EXO = "https://example.org/onto#"

SMALL = """\
ex:aspirin a exo:Drug ; rdfs:label "aspirin" ; skos:altLabel "ASA" ;
    exo:treats ex:headache ; exo:dose "500 mg" ; rdfs:comment "an old drug" .
ex:headache a exo:Symptom ; rdfs:label "headache" .
"""


def _read(path, **kwargs) -> tuple[list[GraphBatch], dict[str, Entity], list[Relation]]:
    source = read_rdf(path, **kwargs)
    batches = list(source.batches())
    entities = {e.id: e for b in batches for e in b.entities}
    relations = [r for b in batches for r in b.relations]
    return batches, entities, relations


def test_read_rdf_makes_iris_entity_ids(write_rdf):
    _, entities, _ = _read(write_rdf(SMALL))
    assert set(entities) == {EX + "aspirin", EX + "headache"}


def test_read_rdf_takes_type_name_and_aliases(write_rdf):
    _, entities, _ = _read(write_rdf(SMALL))
    assert entities[EX + "aspirin"] == Entity(
        id=EX + "aspirin", type="Drug", name="aspirin", aliases=("ASA",)
    )


def test_read_rdf_turns_resource_triples_into_relations_with_file_evidence(write_rdf):
    source = read_rdf(write_rdf(SMALL))
    relations = [r for b in source.batches() for r in b.relations]
    assert [(r.subject, r.predicate, r.object) for r in relations] == [
        (EX + "aspirin", "treats", EX + "headache")
    ]
    assert [(e.document_id, e.extractor) for e in relations[0].evidence] == [
        (source.document.id, "rdf-import")
    ]


def test_read_rdf_counts_skipped_literal_triples_by_predicate(write_rdf):
    source = read_rdf(write_rdf(SMALL))
    list(source.batches())
    assert source.report().skipped == {EXO + "dose": 1, "http://www.w3.org/2000/01/rdf-schema#comment": 1}


@pytest.mark.parametrize(
    ("labels", "name"),
    [
        ('rdfs:label "Aspirine"@fr, "aspirin"@en', "aspirin"),
        ('rdfs:label "Aspirine"@fr, "aspirin"', "aspirin"),
        ('rdfs:label "aspirin"@en-GB, "acetylsalicylic acid"', "aspirin"),
        ('skos:prefLabel "ASA" ; rdfs:label "aspirin"', "aspirin"),
        ('skos:prefLabel "ASA"@en ; rdfs:label "Aspirine"@fr', "ASA"),
        ('skos:altLabel "ASA"', "acetyl salicylic acid"),
        ('rdfs:label "  "', "acetyl salicylic acid"),
    ],
)
def test_read_rdf_prefers_english_or_untagged_labels_for_the_name(write_rdf, labels, name):
    _, entities, _ = _read(write_rdf(f"ex:acetyl_salicylic_acid a exo:Drug ; {labels} .\n"))
    assert entities[EX + "acetyl_salicylic_acid"].name == name


def test_read_rdf_keeps_every_other_label_as_an_alias(write_rdf):
    body = (
        'ex:a a exo:Drug ; rdfs:label "aspirin", "Aspirine"@fr ; skos:prefLabel "ASA" ;\n'
        '    skos:altLabel "ASA", "aspirin" .\n'
    )
    _, entities, _ = _read(write_rdf(body))
    assert set(entities[EX + "a"].aliases) == {"Aspirine", "ASA"}


def test_read_rdf_makes_untyped_relation_targets_root_type_entities(write_rdf):
    _, entities, _ = _read(write_rdf("ex:a exo:treats ex:Adams_County .\n"))
    assert entities[EX + "Adams_County"] == Entity(
        id=EX + "Adams_County", type=ROOT_TYPE, name="Adams County"
    )


def test_read_rdf_adds_the_root_type_to_a_schema_that_needs_it(write_rdf):
    source = read_rdf(write_rdf("ex:a a exo:Drug ; exo:treats ex:b .\n"))
    assert [t.name for t in source.schema.entity_types] == ["Drug", ROOT_TYPE]


def test_read_rdf_leaves_the_root_type_out_when_every_entity_has_a_class(write_rdf):
    source = read_rdf(write_rdf(SMALL))
    assert not source.schema.has_entity_type(ROOT_TYPE)


ONTOLOGY_AND_DATA = """\
exo:Chemical a owl:Class ; rdfs:label "chemical" .
exo:Drug a owl:Class ; rdfs:subClassOf exo:Chemical ; rdfs:label "drug"@en ;
    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty exo:treats ; owl:someValuesFrom exo:Disease ] .
exo:Disease a owl:Class .
exo:treats a owl:ObjectProperty ; rdfs:domain exo:Drug ; rdfs:range exo:Disease ; rdfs:label "treats" .
exo:interacts_with a owl:ObjectProperty, owl:SymmetricProperty .
<https://example.org/onto> a owl:Ontology ; rdfs:label "example" .
ex:aspirin a exo:Drug, owl:NamedIndividual ; rdfs:label "aspirin" ; exo:treats ex:flu ;
    exo:interacts_with ex:warfarin .
ex:warfarin a exo:Drug ; rdfs:label "warfarin" .
ex:flu a exo:Disease ; rdfs:label "influenza" .
"""


def test_read_rdf_does_not_make_classes_and_axioms_entities(write_rdf):
    _, entities, _ = _read(write_rdf(ONTOLOGY_AND_DATA))
    assert set(entities) == {EX + "aspirin", EX + "warfarin", EX + "flu"}


def test_read_rdf_counts_ontology_triples_as_schema(write_rdf):
    source = read_rdf(write_rdf(ONTOLOGY_AND_DATA))
    list(source.batches())
    assert (
        source.report().schema_triples == 18
    )  # 2 Chemical, 4 Drug, 3 restriction, 1 Disease, 4 treats, 2 interacts_with, 2 ontology


@pytest.mark.parametrize(
    "body", [SMALL, ONTOLOGY_AND_DATA, "ex:a ex:p [ ex:q ex:b ; ex:r 5 ] ; owl:sameAs ex:c .\n"]
)
def test_read_rdf_accounts_for_every_triple(write_rdf, body):
    source = read_rdf(write_rdf(body))
    list(source.batches())
    report = source.report()
    assert (
        report.attribute_triples + report.relations + report.schema_triples + report.skipped_triples
        == report.triples
    )


def test_read_rdf_accounts_for_every_triple_of_the_demo_graph():
    source = read_rdf(PHARMA)
    list(source.batches())
    report = source.report()
    assert (report.triples, report.entities, report.relations, report.skipped_triples) == (287, 69, 106, 1)


def test_read_rdf_derives_types_with_iri_label_and_parents(write_rdf):
    schema = read_rdf(write_rdf(ONTOLOGY_AND_DATA)).schema
    assert schema.entity_type("Drug") == EntityType(
        name="Drug", iri=EXO + "Drug", label="drug", parents=("Chemical",)
    )
    assert schema.entity_type("Chemical") == EntityType(
        name="Chemical", iri=EXO + "Chemical", label="chemical"
    )


def test_read_rdf_derives_relations_with_iri_label_and_symmetry(write_rdf):
    schema = read_rdf(write_rdf(ONTOLOGY_AND_DATA)).schema
    assert schema.relation_types == (
        RelationType(name="interacts_with", iri=EXO + "interacts_with", symmetric=True),
        RelationType(name="treats", iri=EXO + "treats", label="treats"),
    )


def test_read_rdf_gives_clashing_local_names_numbered_names_in_iri_order(write_rdf):
    body = (
        "ex:a a exo:Person, <https://other.org/Person> ; exo:knows ex:b .\n"
        "ex:b a <https://other.org/Person> .\n"
    )
    schema = read_rdf(write_rdf(body)).schema
    assert [(t.name, t.iri) for t in schema.entity_types] == [
        ("Person", EXO + "Person"),
        ("Person_2", "https://other.org/Person"),
    ]


def test_read_rdf_keeps_the_most_specific_of_several_types(write_rdf):
    body = 'exo:Drug rdfs:subClassOf exo:Chemical .\nex:a a exo:Chemical, exo:Drug ; rdfs:label "aspirin" .\n'
    source = read_rdf(write_rdf(body))
    entities = [e for b in source.batches() for e in b.entities]
    assert [e.type for e in entities] == ["Drug"]
    assert source.report().several_types == 1


def test_read_rdf_reuses_known_type_names_by_iri(write_rdf):
    known = Schema(entity_types=(EntityType(name="Medication", iri=EXO + "Drug"),))
    _, entities, _ = _read(write_rdf(SMALL), known=known)
    assert entities[EX + "aspirin"].type == "Medication"


def test_read_rdf_reads_minted_iris_back_as_ids_and_names(write_rdf):
    body = (
        "<https://kgsynth.dev/entity/Drug%3Aaspirin> a <https://kgsynth.dev/schema/Drug> ;\n"
        "    <https://kgsynth.dev/schema/treats> <https://kgsynth.dev/entity/Symptom%3Aheadache> .\n"
    )
    source = read_rdf(write_rdf(body))
    batches = list(source.batches())
    assert [(e.id, e.type) for b in batches for e in b.entities] == [
        ("Drug:aspirin", "Drug"),
        ("Symptom:headache", ROOT_TYPE),
    ]
    assert [r.key for b in batches for r in b.relations] == [
        ("Drug:aspirin", "treats", "Symptom:headache", False)
    ]
    assert source.schema.entity_type("Drug").iri == ""


def test_read_rdf_names_blank_nodes_under_the_bnode_namespace(write_rdf):
    source = read_rdf(write_rdf('ex:trial exo:arm [ rdfs:label "arm A" ; exo:drug ex:aspirin ] .\n'))
    entities = [e for b in source.batches() for e in b.entities]
    arm = next(e for e in entities if e.name == "arm A")
    assert arm.id.startswith(BNODE_NS + source.document.metadata["sha256"][:16] + "/")
    assert source.report().blank_nodes == 1


STRICT = Schema(
    name="example",
    entity_types=(EntityType(name="Drug", iri=EXO + "Drug"), EntityType(name="Symptom", iri=EXO + "Symptom")),
    relation_types=(RelationType(name="treats", iri=EXO + "treats"),),
)


def test_read_rdf_maps_classes_and_predicates_through_a_given_schema(write_rdf):
    schema = STRICT.model_copy(
        update={"entity_types": (EntityType(name="Medicine", iri=EXO + "Drug"), STRICT.entity_types[1])}
    )
    _, entities, _ = _read(write_rdf(SMALL), schema=schema)
    assert entities[EX + "aspirin"].type == "Medicine"


def test_read_rdf_refuses_a_class_the_given_schema_lacks(write_rdf):
    path = write_rdf(SMALL + "ex:flu a exo:Disease .\n")
    with pytest.raises(
        UnknownEntityTypeError,
        match=r'graph\.ttl: class "https://example\.org/onto#Disease" is not in the schema example\. '
        r"Entity types present: Drug, Symptom\.",
    ):
        read_rdf(path, schema=STRICT)


def test_read_rdf_refuses_a_predicate_the_given_schema_lacks(write_rdf):
    path = write_rdf(SMALL + "ex:aspirin exo:prevents ex:headache .\n")
    with pytest.raises(
        UnknownRelationError,
        match=r'graph\.ttl: predicate "https://example\.org/onto#prevents" is not in the schema example\. '
        r"Relations present: treats\.",
    ):
        read_rdf(path, schema=STRICT)


def test_read_rdf_matches_minted_type_iris_to_a_given_schema_by_name(write_rdf):
    body = (
        "ex:a a <https://kgsynth.dev/schema/Drug> ; <https://kgsynth.dev/schema/treats> ex:b .\n"
        "ex:b a exo:Symptom .\n"
    )
    _, entities, relations = _read(write_rdf(body), schema=STRICT)
    assert (entities[EX + "a"].type, relations[0].predicate) == ("Drug", "treats")


def test_read_rdf_puts_the_document_first_and_entities_before_relations(write_rdf):
    source = read_rdf(PHARMA)
    batches = list(source.batches(batch_size=50))
    kinds = [k for b in batches for k in ["entity"] * len(b.entities) + ["relation"] * len(b.relations)]
    assert [len(b.documents) for b in batches] == [1, 0, 0, 0]
    assert kinds == ["entity"] * 69 + ["relation"] * 106
    assert [len(b.entities) + len(b.relations) for b in batches] == [50, 50, 50, 25]


def test_read_rdf_document_id_is_the_hash_of_the_file(write_rdf, tmp_path):
    first = read_rdf(write_rdf(SMALL, "a.ttl")).document.id
    same = read_rdf(write_rdf(SMALL, "b.ttl")).document.id
    other = read_rdf(write_rdf(SMALL + "ex:x a exo:Drug .\n", "c.ttl")).document.id
    assert first == same != other
    assert first.startswith("rdf:")


def test_read_rdf_refuses_jsonl(write_rdf):
    with pytest.raises(InputError, match=r"g\.jsonl: JSONL is kgsynth's own export format, not RDF"):
        read_rdf(write_rdf("{}\n", "g.jsonl"))


def test_read_rdf_names_unlabelled_blank_nodes_by_their_hash(write_rdf):
    source = read_rdf(write_rdf("ex:trial exo:arm [ exo:drug ex:aspirin ] , [ exo:drug ex:placebo ] .\n"))
    arms = [e for b in source.batches() for e in b.entities if e.id.startswith(BNODE_NS)]
    assert sorted(e.name for e in arms) == sorted(f"blank node {e.id.rsplit('/', 1)[1][:8]}" for e in arms)
    assert len({e.name for e in arms}) == 2


def test_read_rdf_lists_every_class_the_given_schema_lacks(write_rdf):
    path = write_rdf(SMALL + "ex:flu a exo:Disease .\nex:tp53 a exo:Gene .\n")
    with pytest.raises(
        UnknownEntityTypeError,
        match=r'classes "https://example\.org/onto#Disease", "https://example\.org/onto#Gene" are not in the '
        r"schema example\. .* Add them to the ontology",
    ):
        read_rdf(path, schema=STRICT)


def test_read_rdf_matches_local_names_to_a_given_schema_without_iris(write_rdf, schema):
    _, entities, relations = _read(write_rdf(SMALL), schema=schema)
    assert (entities[EX + "aspirin"].type, entities[EX + "headache"].type) == ("Drug", "Symptom")
    assert [r.predicate for r in relations] == ["treats"]
