"""Deterministic IRIs for blank nodes, so importing the same file twice gives the same entity ids.

rdflib gives blank nodes random labels on every parse, and its graphs iterate in hash order,
so neither can name them. Instead each blank node is named by its structure: a hash of its
triples, refined round by round with the hashes of the blank nodes next to it (colour
refinement, as in Weisfeiler-Lehman), under a prefix of the file's hash so blank nodes of
different files never merge. Only the triples touching blank nodes are held, not the graph.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Graph
from rdflib.term import Node

from kgsynth.model import content_hash
from kgsynth.rdf.names import BNODE_NS

_MAX_ROUNDS = 8


def skolemise(graph: Graph, file_hash: str) -> dict[BNode, str]:
    """An IRI for every blank node of ``graph``: ``BNODE_NS + <file hash>/<structure hash>``.

    Blank nodes no refinement round can tell apart get ``-2``, ``-3``... in an arbitrary but
    harmless order: such nodes are interchangeable, so the graph written is the same.
    """
    edges: dict[BNode, list[tuple[str, str, Node]]] = defaultdict(list)
    for s, p, o in graph:
        if isinstance(s, BNode):
            edges[s].append(("out", str(p), o))
        if isinstance(o, BNode):
            edges[o].append(("in", str(p), s))
    if not edges:
        return {}
    colours = _refine(edges)
    prefix = f"{BNODE_NS}{file_hash[:16]}/"
    iris: dict[BNode, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for node in sorted(edges, key=lambda n: colours[n]):
        seen[colours[node]] += 1
        suffix = "" if seen[colours[node]] == 1 else f"-{seen[colours[node]]}"
        iris[node] = prefix + colours[node] + suffix
    return iris


def _refine(edges: dict[BNode, list[tuple[str, str, Node]]]) -> dict[BNode, str]:
    colours = {node: "" for node in edges}
    distinct = 0
    for _ in range(_MAX_ROUNDS):
        colours = {node: _colour(colours[node], neighbours, colours) for node, neighbours in edges.items()}
        count = len(set(colours.values()))
        if count == distinct or count == len(colours):
            break
        distinct = count
    return colours


def _colour(previous: str, neighbours: list[tuple[str, str, Node]], colours: dict[BNode, str]) -> str:
    parts = sorted(
        f"{direction} {predicate} " + (f"_:{colours[other]}" if isinstance(other, BNode) else other.n3())
        for direction, predicate, other in neighbours
    )
    return content_hash(previous, *parts)
