"""Stencils: a statement block that only prints its entities is rendered once per shape, same text."""

from __future__ import annotations

import jinja2
import pytest

from kgsynth.generate import SampleFactory
from kgsynth.generate.draft import Hop
from kgsynth.generate.factory import _HOP_SHAPE, YES_NO
from kgsynth.generate.stencil import prints_only
from tests.generate.graphs import Fixture, legal, medical, untyped

HOP = {"hop": frozenset({"phrase", "negated"})}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ s }} treats {{ o }}.", True),
        ("{% set p = hop.phrase %}{{ s }} {{ p.verb3 }} {{ o }}{% if hop.negated %}!{% endif %}", True),
        ("{{ hop.phrase.statement | fill(s=s, o=o, label=hop.phrase.label) }}。", True),
        ("{% for x in [1, 2] %}{{ s }}{% endfor %}", True),
        ("{{ s }} is {{ o | a }}.", False),
        ('{% if o.name.endswith("s") %}{{ s }}{% endif %}', False),
        ("{{ s ~ o }}", False),
        ("{{ (hop.phrase.statement | fill(s=s, o=o)) | cap }}", False),
        ("{{ hop.subject }}", False),
        ("{{ hop | attr('subject') }}", False),
        ("{% set s = hop.phrase %}{{ s }}", False),
        ("{{ self.other() }}", False),
        ('{% import "x.j2" as m %}{{ s }}', False),
        ('{% include "x.j2" %}', False),
    ],
)
def test_prints_only_accepts_blocks_that_only_print_the_entities(body: str, expected: bool) -> None:
    source = (
        f"{{% block statement %}}{body}{{% endblock %}}{{% block other %}}{{{{ o.name }}}}{{% endblock %}}"
    )
    assert prints_only(jinja2.Environment(), source, "statement", ("s", "o"), HOP) is expected


def test_prints_only_refuses_a_template_that_extends_another() -> None:
    source = '{% extends "base.j2" %}{% block statement %}{{ s }}{% endblock %}'
    assert not prints_only(jinja2.Environment(), source, "statement", ("s", "o"), HOP)


FIXTURES: dict[str, Fixture] = {"medical": medical(), "legal": legal(), "untyped": untyped()}


@pytest.mark.parametrize("graph", sorted(FIXTURES))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_render_fixed_gives_the_text_of_a_full_render(graph: str, language: str) -> None:
    fixture = FIXTURES[graph]
    factory = SampleFactory(fixture.graph, language=language)
    renderer = factory.renderer
    by_id = {e.id: e for e in fixture.entities.values()}
    compared = 0
    for relation in fixture.relations:
        hop = Hop(relation, by_id[relation.subject], by_id[relation.object])
        pack, entry = factory._choose("statement", (hop,), None, None)
        view = factory._hop_view(hop)
        context = {
            "lang": language,
            "hop": view,
            "s": view.subject,
            "o": view.object,
            "yes": YES_NO[language][0],
        }
        fixed = renderer.render_fixed(
            pack, entry, "statement", context, opaque=("s", "o"), restricted={"hop": _HOP_SHAPE}
        )
        assert fixed == renderer.render_variant(pack, entry, "statement", context, None)
        compared += 1
    assert compared == len(fixture.relations)
    assert renderer._stencils  # the shipped generic statement is stencilled, so both paths were compared
