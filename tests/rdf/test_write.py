"""Store -> Turtle, N-Triples and JSONL."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kgsynth.errors import ConfigError
from kgsynth.model import ROOT_TYPE, Entity, EntityType, GraphBatch, Relation, Schema
from kgsynth.rdf import export_graph

KGE = "https://kgsynth.dev/entity/"
KGS = "https://kgsynth.dev/schema/"


@pytest.fixture
def filled(store, schema, small_batch):
    store.ensure_schema(schema)
    store.write(small_batch)
    return store


def _parsed(text: str, fmt: str) -> set[tuple]:
    return set(Graph().parse(data=text, format=fmt))


def _export(store, fmt: str, **kwargs) -> str:
    out = io.StringIO()
    export_graph(store, out, format=fmt, **kwargs)
    return out.getvalue()


def test_export_graph_ntriples_writes_entities_with_minted_iris(filled):
    triples = _parsed(_export(filled, "ntriples"), "nt")
    aspirin, headache = URIRef(KGE + "Drug%3Aaspirin"), URIRef(KGE + "Symptom%3Aheadache")
    data = {t for t in triples if str(t[0]).startswith(KGE)}
    assert data == {
        (aspirin, RDF.type, URIRef(KGS + "Drug")),
        (aspirin, RDFS.label, Literal("aspirin")),
        (aspirin, SKOS.altLabel, Literal("acetylsalicylic acid")),
        (aspirin, SKOS.altLabel, Literal("ASA")),
        (aspirin, URIRef(KGS + "treats"), headache),
        (headache, RDF.type, URIRef(KGS + "Symptom")),
        (headache, RDFS.label, Literal("headache")),
    }


def test_export_graph_declares_the_schema(filled):
    triples = _parsed(_export(filled, "ntriples"), "nt")
    assert (URIRef(KGS + "Drug"), RDFS.subClassOf, URIRef(KGS + "Chemical")) in triples
    assert (URIRef(KGS + "interacts_with"), RDF.type, OWL.SymmetricProperty) in triples
    assert (URIRef(KGS + "governed_by"), RDF.type, OWL.FunctionalProperty) in triples


def test_export_graph_uses_schema_iris_when_set(store):
    store.ensure_schema(Schema(entity_types=(EntityType(name="Drug", iri="https://example.org/onto#Drug"),)))
    store.write(GraphBatch(entities=(Entity(id="https://example.org/kg/a", type="Drug", name="a"),)))
    triples = _parsed(_export(store, "ntriples"), "nt")
    assert (URIRef("https://example.org/kg/a"), RDF.type, URIRef("https://example.org/onto#Drug")) in triples


def test_export_graph_writes_no_type_for_root_type_entities(store):
    store.write(GraphBatch(entities=(Entity(id="https://example.org/kg/a", type=ROOT_TYPE, name="a"),)))
    triples = _parsed(_export(store, "ntriples"), "nt")
    assert triples == {(URIRef("https://example.org/kg/a"), RDFS.label, Literal("a"))}


@pytest.mark.parametrize(
    "name", ['say "hi"', "back\\slash", "two\nlines\r\n", "tab\there", "bell\x07", "ünïcode ✓"]
)
@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_export_graph_escapes_names_so_they_parse_back(store, name, fmt):
    store.write(GraphBatch(entities=(Entity(id="https://example.org/kg/a", name=name),)))
    triples = _parsed(_export(store, fmt), "nt" if fmt == "ntriples" else "turtle")
    assert triples == {(URIRef("https://example.org/kg/a"), RDFS.label, Literal(name))}


def _with_negation(store, schema, small_batch, aspirin, headache):
    store.ensure_schema(schema)
    negated = Relation(subject=aspirin.id, predicate="causes", object=headache.id, negated=True)
    store.write(small_batch.model_copy(update={"relations": (*small_batch.relations, negated)}))
    return store


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_export_graph_leaves_negated_relations_out_of_rdf_and_counts_them(
    store, schema, small_batch, aspirin, headache, fmt
):
    _with_negation(store, schema, small_batch, aspirin, headache)
    out = io.StringIO()
    report = export_graph(store, out, format=fmt)
    assert (report.relations, report.skipped_negated) == (1, 1)
    assert not any(
        p == URIRef(KGS + "causes")
        for _, p, _ in _parsed(out.getvalue(), "nt" if fmt == "ntriples" else "turtle")
    )


def test_export_graph_turtle_and_ntriples_hold_the_same_triples(filled):
    assert _parsed(_export(filled, "turtle"), "turtle") == _parsed(_export(filled, "ntriples"), "nt")


def test_export_graph_turtle_uses_prefixes_for_schema_namespaces(store):
    store.ensure_schema(
        Schema(entity_types=(EntityType(name="Drug", iri="https://kgsynth.dev/ontology/medical#Drug"),))
    )
    store.write(
        GraphBatch(
            entities=tuple(
                Entity(id=f"https://example.org/kg/d{i}", type="Drug", name=f"d{i}") for i in range(2)
            )
        )
    )
    text = _export(store, "turtle")
    assert "@prefix medical: <https://kgsynth.dev/ontology/medical#> ." in text
    assert "@prefix kg: <https://example.org/kg/> ." in text


def test_export_graph_jsonl_keeps_evidence_and_negated_relations(
    store, schema, small_batch, aspirin, headache
):
    _with_negation(store, schema, small_batch, aspirin, headache)
    lines = [json.loads(line) for line in _export(store, "jsonl").splitlines()]
    assert [line["kind"] for line in lines] == ["schema", "entity", "entity", "relation", "relation"]
    relations = {(line["predicate"], line["negated"]): line for line in lines if line["kind"] == "relation"}
    assert set(relations) == {("treats", False), ("causes", True)}
    assert relations[("treats", False)]["evidence"][0]["sentence"] == "Aspirin treats tension headache."


def test_export_graph_jsonl_lines_are_the_models(filled, aspirin):
    lines = [json.loads(line) for line in _export(filled, "jsonl").splitlines()]
    entity = next(line for line in lines if line.get("id") == aspirin.id)
    entity.pop("kind")
    assert Entity.model_validate(entity) == aspirin


@pytest.mark.parametrize("fmt", ["ntriples", "turtle", "jsonl"])
def test_export_graph_writes_utf8_to_binary_output(filled, fmt):
    binary = io.BytesIO()
    export_graph(filled, binary, format=fmt)
    assert binary.getvalue().decode("utf-8") == _export(filled, fmt)


class _Writes(io.StringIO):
    """Counts write calls, to see that a format streams page by page."""

    calls = 0

    def write(self, text: str) -> int:
        self.calls += 1
        return super().write(text)


@pytest.mark.parametrize(("fmt", "calls"), [("ntriples", 1 + 2 + 1), ("jsonl", 1 + 2 + 1), ("turtle", 1)])
def test_export_graph_streams_ntriples_and_jsonl_a_page_at_a_time(filled, fmt, calls):
    out = _Writes()
    export_graph(filled, out, format=fmt, batch_size=1)
    assert out.calls == calls


def test_export_graph_counts_entities_relations_and_triples(filled):
    report = export_graph(filled, io.StringIO(), format="ntriples")
    text = _export(filled, "ntriples")
    assert (report.entities, report.relations, report.triples) == (2, 1, len(text.splitlines()))


def test_export_graph_refuses_an_unknown_format_naming_the_valid_ones(filled):
    with pytest.raises(ConfigError, match=r'export format "xml" is not one of: turtle, ntriples, jsonl\.'):
        export_graph(filled, io.StringIO(), format="xml")  # type: ignore[arg-type]
