"""Blank nodes get IRIs from their structure, the same on every parse."""

from __future__ import annotations

import subprocess
import sys

from rdflib import Graph

from kgsynth.rdf.skolem import skolemise
from tests.rdf.graphs import REPO

BODY = """\
@prefix ex: <https://example.org/kg/> .
ex:trial ex:arm [ ex:dose "10 mg" ; ex:drug ex:aspirin ] , [ ex:dose "20 mg" ; ex:drug ex:aspirin ] .
ex:trial ex:site [ ex:city "Lyon" ] .
"""


def _labels(body: str, file_hash: str = "f" * 64) -> dict[str, str]:
    """Each blank node's IRI, keyed by the sorted text of its outgoing triples (stable across parses)."""
    graph = Graph().parse(data=body, format="turtle")
    iris = skolemise(graph, file_hash)
    return {
        " ".join(sorted(f"{p} {o}" for p, o in graph.predicate_objects(node))): iri
        for node, iri in iris.items()
    }


def test_skolemise_names_every_blank_node_distinctly():
    labels = _labels(BODY)
    assert len(labels) == 3
    assert len(set(labels.values())) == 3


def test_skolemise_gives_the_same_iris_on_every_parse():
    assert _labels(BODY) == _labels(BODY)


def test_skolemise_is_independent_of_the_hash_seed():
    """rdflib iterates in hash order, which changes per process; the names must not."""
    script = (
        "import json, sys; from tests.rdf.test_skolem import BODY, _labels; "
        "print(json.dumps(_labels(BODY), sort_keys=True))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
            cwd=REPO,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1


def test_skolemise_scopes_names_by_file():
    first = set(_labels(BODY, "a" * 64).values())
    second = set(_labels(BODY, "b" * 64).values())
    assert first.isdisjoint(second)


def test_skolemise_tells_blank_nodes_apart_by_their_neighbours():
    body = """\
@prefix ex: <https://example.org/kg/> .
ex:a ex:p [ ex:q [ ex:r ex:x ] ] .
ex:b ex:p [ ex:q [ ex:r ex:y ] ] .
"""
    graph = Graph().parse(data=body, format="turtle")
    assert len(set(skolemise(graph, "c" * 64).values())) == 4


def test_skolemise_returns_nothing_without_blank_nodes():
    graph = Graph().parse(data="<https://e.org/a> <https://e.org/b> <https://e.org/c> .", format="nt")
    assert skolemise(graph, "d" * 64) == {}
