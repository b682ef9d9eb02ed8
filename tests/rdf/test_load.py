"""import_rdf: files into a store, with nothing written when the input is bad."""

from __future__ import annotations

import json

import pytest

from kgsynth.errors import InputError, UnknownEntityTypeError, UnknownRelationError
from kgsynth.model import EntityType, Schema
from kgsynth.rdf import import_rdf
from tests.rdf.graphs import PHARMA, entity_rows, relation_keys

EXO = "https://example.org/onto#"


def _is_empty(store) -> bool:
    stats = store.stats()
    return (stats.documents, stats.entities, stats.relations) == (0, 0, 0) and store.schema() == Schema()


def test_import_rdf_writes_the_demo_graph(store):
    report = import_rdf(store, PHARMA)
    stats = store.stats()
    assert (stats.documents, stats.entities, stats.relations, stats.evidence) == (1, 69, 106, 106)
    assert (report.entities, report.relations) == (69, 106)


def test_import_rdf_registers_the_derived_schema(store):
    import_rdf(store, PHARMA)
    assert {t.name for t in store.schema().entity_types} == {"Drug", "DrugClass", "Disease", "Symptom"}
    assert store.schema().relation_type("treats").iri == "https://kgsynth.dev/ontology/medical#treats"


def test_import_rdf_records_the_file_as_a_document(store):
    report = import_rdf(store, PHARMA)
    document = store.get_document(report.document_id)
    assert (document.source, document.metadata["format"]) == (str(PHARMA), "turtle")


def test_import_rdf_twice_changes_nothing(store):
    import_rdf(store, PHARMA)
    before = (store.stats(), entity_rows(store), relation_keys(store))
    import_rdf(store, PHARMA)
    assert (store.stats(), entity_rows(store), relation_keys(store)) == before


def test_import_rdf_is_undone_by_deleting_its_document(store):
    report = import_rdf(store, PHARMA)
    deletion = store.delete_document(report.document_id)
    assert (deletion.relations, store.stats().relations, store.stats().entities) == (106, 0, 0)


def test_import_rdf_with_the_medical_ontology_types_every_entity(store):
    from kgsynth.ontology import load_ontology

    medical = load_ontology("medical")
    import_rdf(store, PHARMA, schema=medical)
    assert store.stats().entities_by_type == {"Disease": 21, "Drug": 18, "DrugClass": 12, "Symptom": 18}


def test_import_rdf_reuses_the_store_schema_names_by_iri(store, write_rdf):
    store.ensure_schema(Schema(entity_types=(EntityType(name="Medication", iri=EXO + "Drug"),)))
    import_rdf(store, write_rdf("<https://example.org/kg/a> a exo:Drug .\n"))
    assert store.get_entity("https://example.org/kg/a").type == "Medication"


@pytest.mark.parametrize(
    ("name", "body", "error", "message"),
    [
        (
            "bad.ttl",
            "ex:a ex:b ex:c .\nex:a ex:b",
            InputError,
            r"bad\.ttl: not valid Turtle \(unexpected end of input\)",
        ),
        (
            "bad.nt",
            "<https://e.org/a> <https://e.org/b> oops .\n",
            InputError,
            r"bad\.nt, line 1: not valid N-Triples",
        ),
        (
            "bad.jsonl",
            '{"kind": "entity", "id": "a", "name": "a"}\n{"kind": "entity"\n',
            InputError,
            r"bad\.jsonl, line 2: not JSON",
        ),
        ("missing.ttl", None, InputError, r"missing\.ttl: no such file\."),
        (
            "typed.ttl",
            "ex:a a exo:Unknown .\n",
            UnknownEntityTypeError,
            r'typed\.ttl: class "https://example\.org/onto#Unknown"',
        ),
        (
            "related.ttl",
            "ex:a exo:unknown ex:b .\n",
            UnknownRelationError,
            r'related\.ttl: predicate "https://example\.org/onto#unknown"',
        ),
    ],
)
def test_import_rdf_writes_nothing_when_the_input_is_bad(
    store, write_rdf, tmp_path, name, body, error, message
):
    path = write_rdf(body, name) if body is not None else tmp_path / name
    strict = Schema(name="strict", entity_types=(EntityType(name="Drug", iri=EXO + "Drug"),))
    with pytest.raises(error, match=message):
        import_rdf(store, path, schema=strict)
    assert _is_empty(store)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [{"kind": "entity", "id": "a", "name": "a"}, {"kind": "fact"}],
            r'line 2: "kind" must be one of chunk, document, entity, mention, relation, schema, not "fact"',
        ),
        ([{"kind": "entity", "id": "a"}], r"line 1: not a valid entity: name: Field required\."),
        ([["not", "an", "object"]], r'line 1: "kind" must be one of .*, not null'),
        (
            [
                {"kind": "entity", "id": "a", "name": "a"},
                {"kind": "relation", "subject": "a", "predicate": "p", "object": "b"},
            ],
            r'line 2: the relation refers to entity "b", which is neither in the file nor in the store\. '
            r"Nothing was imported\.",
        ),
    ],
)
def test_import_rdf_jsonl_names_the_bad_line_and_writes_nothing(store, write_rdf, lines, message):
    path = write_rdf("".join(json.dumps(line) + "\n" for line in lines), "dump.jsonl")
    with pytest.raises(InputError, match=message):
        import_rdf(store, path)
    assert _is_empty(store)


def test_import_rdf_jsonl_refuses_a_type_the_given_schema_lacks(store, write_rdf):
    path = write_rdf(
        json.dumps({"kind": "entity", "id": "a", "type": "Gene", "name": "a"}) + "\n", "dump.jsonl"
    )
    strict = Schema(name="strict", entity_types=(EntityType(name="Drug"),))
    with pytest.raises(
        UnknownEntityTypeError,
        match=r'dump\.jsonl, line 1: entity type "Gene" is not in the schema strict\. '
        r"Entity types present: Drug\.",
    ):
        import_rdf(store, path, schema=strict)


def test_import_rdf_jsonl_accepts_relations_to_entities_already_stored(store, write_rdf):
    import_rdf(store, write_rdf(json.dumps({"kind": "entity", "id": "b", "name": "b"}) + "\n", "first.jsonl"))
    lines = [
        {"kind": "entity", "id": "a", "name": "a"},
        {"kind": "relation", "subject": "a", "predicate": "p", "object": "b"},
    ]
    import_rdf(store, write_rdf("".join(json.dumps(line) + "\n" for line in lines), "second.jsonl"))
    assert relation_keys(store) == {("a", "p", "b", False)}


def test_import_rdf_jsonl_derives_a_schema_from_the_names_it_uses(store, write_rdf):
    lines = [
        {"kind": "entity", "id": "a", "type": "Drug", "name": "a"},
        {"kind": "entity", "id": "b", "name": "b"},
        {"kind": "relation", "subject": "a", "predicate": "treats", "object": "b"},
    ]
    import_rdf(store, write_rdf("".join(json.dumps(line) + "\n" for line in lines), "dump.jsonl"))
    schema = store.schema()
    assert ([t.name for t in schema.entity_types], [r.name for r in schema.relation_types]) == (
        ["Drug", "Thing"],
        ["treats"],
    )


def test_import_rdf_reports_a_format_it_cannot_tell(store, tmp_path):
    (tmp_path / "graph.dat").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"graph\.dat: cannot tell the RDF format"):
        import_rdf(store, tmp_path / "graph.dat")


SAME_GRAPH = {
    "graph.ttl": 'ex:a a exo:Drug ; rdfs:label "aspirin" ; exo:treats ex:b .\n',
    "graph.nt": (
        "<https://example.org/kg/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://example.org/onto#Drug> .\n"
        '<https://example.org/kg/a> <http://www.w3.org/2000/01/rdf-schema#label> "aspirin" .\n'
        "<https://example.org/kg/a> <https://example.org/onto#treats> <https://example.org/kg/b> .\n"
    ),
    "graph.owl": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:exo="https://example.org/onto#">
  <exo:Drug rdf:about="https://example.org/kg/a">
    <rdfs:label>aspirin</rdfs:label>
    <exo:treats rdf:resource="https://example.org/kg/b"/>
  </exo:Drug>
</rdf:RDF>
""",
    "graph.jsonld": json.dumps(
        {
            "@context": {"exo": "https://example.org/onto#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
            "@id": "https://example.org/kg/a",
            "@type": "exo:Drug",
            "rdfs:label": "aspirin",
            "exo:treats": {"@id": "https://example.org/kg/b"},
        }
    ),
}


@pytest.mark.parametrize("name", sorted(SAME_GRAPH))
def test_import_rdf_reads_every_syntax_alike(store, write_rdf, name):
    import_rdf(store, write_rdf(SAME_GRAPH[name], name))
    assert entity_rows(store) == {
        ("https://example.org/kg/a", "Drug", "aspirin", frozenset()),
        ("https://example.org/kg/b", "Thing", "b", frozenset()),
    }
    assert relation_keys(store) == {("https://example.org/kg/a", "treats", "https://example.org/kg/b", False)}


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        ("", "graph.ttl", r"graph\.ttl: nothing to import: the file holds no triples\. Nothing was"),
        ("\n\n", "dump.jsonl", r"dump\.jsonl: nothing to import: the file holds no records\. Nothing was"),
    ],
)
def test_import_rdf_refuses_an_empty_file(store, write_rdf, body, name, message):
    path = write_rdf(body, name)  # the Turtle file gets prefixes: declarations, but no triple
    with pytest.raises(InputError, match=message):
        import_rdf(store, path)
    assert _is_empty(store)
