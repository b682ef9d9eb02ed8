"""import -> export -> import gives the same graph: the demo graph, a built graph, and WebNLG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef

from kgsynth.model import Relation
from kgsynth.rdf import export_graph, import_rdf
from kgsynth.store import GraphStore, open_store
from tests.rdf.graphs import PHARMA, SHARED_DATA, entity_rows, relation_keys

SUFFIX = {"turtle": "ttl", "ntriples": "nt", "jsonl": "jsonl"}


def _export_to(store: GraphStore, tmp_path: Path, fmt: str, name: str = "export") -> Path:
    path = tmp_path / f"{name}.{SUFFIX[fmt]}"
    with path.open("w", encoding="utf-8") as out:
        export_graph(store, out, format=fmt)
    return path


def _reimported(path: Path, **kwargs) -> GraphStore:
    store = open_store(":memory:")
    import_rdf(store, path, **kwargs)
    return store


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonl"])
def test_roundtrip_demo_graph_keeps_entities_and_relations(store, tmp_path, fmt):
    import_rdf(store, PHARMA)
    with _reimported(_export_to(store, tmp_path, fmt)) as again:
        assert entity_rows(again) == entity_rows(store)
        assert relation_keys(again) == relation_keys(store)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_roundtrip_demo_graph_keeps_the_schema_types(store, tmp_path, fmt):
    import_rdf(store, PHARMA)
    with _reimported(_export_to(store, tmp_path, fmt)) as again:
        assert again.schema() == store.schema()


def test_roundtrip_demo_graph_under_the_medical_ontology(store, tmp_path):
    from kgsynth.ontology import load_ontology

    medical = load_ontology("medical")
    import_rdf(store, PHARMA, schema=medical)
    with _reimported(_export_to(store, tmp_path, "turtle"), schema=medical) as again:
        assert entity_rows(again) == entity_rows(store)
        assert relation_keys(again) == relation_keys(store)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_roundtrip_export_is_a_fixpoint(store, tmp_path, fmt):
    import_rdf(store, PHARMA)
    first = _export_to(store, tmp_path, fmt, "first")
    with _reimported(first) as again:
        assert _export_to(again, tmp_path, fmt, "second").read_text(encoding="utf-8") == first.read_text(
            encoding="utf-8"
        )


@pytest.fixture
def built(store, schema, small_batch, aspirin, headache):
    """A graph as ingest builds it: ids like ``Drug:aspirin``, evidence, and a negated relation."""
    store.ensure_schema(schema)
    negated = Relation(
        subject=aspirin.id, predicate="causes", object=headache.id, negated=True, confidence=0.7
    )
    store.write(small_batch.model_copy(update={"relations": (*small_batch.relations, negated)}))
    return store


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_roundtrip_built_graph_keeps_ids_and_positive_relations(built, tmp_path, fmt):
    with _reimported(_export_to(built, tmp_path, fmt)) as again:
        assert entity_rows(again) == entity_rows(built)
        assert relation_keys(again) == {key for key in relation_keys(built) if not key[3]}


def test_roundtrip_built_graph_through_jsonl_keeps_evidence_and_negation(built, tmp_path):
    with _reimported(_export_to(built, tmp_path, "jsonl")) as again:
        assert [r for page in again.iter_relations() for r in page] == [
            r for page in built.iter_relations() for r in page
        ]


def test_roundtrip_keeps_blank_nodes_as_the_same_entities(store, write_rdf, tmp_path):
    import_rdf(
        store,
        write_rdf(
            'ex:trial exo:arm [ rdfs:label "arm A" ; exo:drug ex:aspirin ] , [ exo:drug ex:placebo ] .\n'
        ),
    )
    with _reimported(_export_to(store, tmp_path, "ntriples")) as again:
        assert entity_rows(again) == entity_rows(store)
        assert relation_keys(again) == relation_keys(store)


# --------------------------------------------------------------------------- WebNLG (real DBpedia triples)

WEBNLG = SHARED_DATA / "webnlg" / "webnlg-enriched-v1.6-en-dev.slice.xml"
DBR = "http://dbpedia.org/resource/"
DBO = "http://dbpedia.org/ontology/"
_LITERAL = re.compile(r'^"(?P<text>.*)"(?:@(?P<lang>[A-Za-z-]+)|\^\^xsd:(?P<type>\w+))?$')
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _webnlg_graph(limit: int | None = None) -> Graph:
    """The original DBpedia triples of the entries (all 294 of the slice by default).

    Quoted objects (``"2702.0"^^xsd:double``, ``"United States"@en``) and bare numbers are literals;
    everything else is a DBpedia resource.
    """
    graph = Graph()
    entries = ET.parse(WEBNLG).getroot().iter("entry")
    for _, entry in zip(range(limit or 10**9), entries, strict=False):
        for triple in entry.iter("otriple"):
            subject, predicate, obj = (part.strip() for part in triple.text.split(" | "))
            graph.add(
                (URIRef(DBR + quote(subject, safe="")), URIRef(DBO + quote(predicate, safe="")), _object(obj))
            )
    return graph


def _object(text: str) -> URIRef | Literal:
    match = _LITERAL.match(text)
    if match:
        datatype = f"http://www.w3.org/2001/XMLSchema#{match['type']}" if match["type"] else None
        return Literal(match["text"], lang=match["lang"], datatype=datatype)
    if _NUMBER.match(text):
        return Literal(text)
    return URIRef(DBR + quote(text, safe=""))


@pytest.fixture(scope="module")
def webnlg(tmp_path_factory) -> tuple[Path, Graph]:
    if not WEBNLG.is_file():
        pytest.skip(f"{WEBNLG} is absent (shared development data)")
    graph = _webnlg_graph()
    path = tmp_path_factory.mktemp("webnlg") / "webnlg.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return path, graph


def test_roundtrip_webnlg_import_counts_match_the_triples(store, webnlg):
    path, graph = webnlg
    resources = {t for s, _, o in graph for t in (s, o) if isinstance(t, URIRef)}
    resource_triples = sum(1 for _, _, o in graph if isinstance(o, URIRef))
    report = import_rdf(store, path)
    assert (report.triples, report.entities, report.relations, report.skipped_triples) == (
        len(graph),
        len(resources),
        resource_triples,
        len(graph) - resource_triples,
    )
    assert store.stats().relations == resource_triples


def test_roundtrip_webnlg_names_entities_after_their_iris(store, webnlg):
    import_rdf(store, webnlg[0])
    assert store.get_entity(DBR + "Adams_County%2C_Pennsylvania").name == "Adams County, Pennsylvania"


@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_roundtrip_webnlg_keeps_entities_and_relations(store, webnlg, tmp_path, fmt):
    import_rdf(store, webnlg[0])
    with _reimported(_export_to(store, tmp_path, fmt)) as again:
        assert entity_rows(again) == entity_rows(store)
        assert relation_keys(again) == relation_keys(store)
