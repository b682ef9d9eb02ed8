"""Meta-test: every block of every shipped template renders against the fixture paths.

For each pack, language and manifest entry, a fixture path whose draft the entry fits is found
and every ``question*`` / ``answer`` / ``statement`` block is rendered: none may fail, and the
question blocks together must produce text (a variant may be empty by design for one direction).
"""

from __future__ import annotations

import random

import pytest

from kgsynth.generate import SampleFactory, load_pack, shipped_packs
from kgsynth.generate.draft import Draft, Hop, Skip
from kgsynth.generate.manifest import QUESTION_TYPES, TemplateEntry
from tests.generate.graphs import Fixture, legal, medical, untyped

GRAPHS = {"generic": (medical, legal, untyped), "medical": (medical,), "legal": (legal,)}


def _cases() -> list[tuple[str, str, str]]:
    cases = []
    for pack_name in shipped_packs():
        pack = load_pack(pack_name)
        for language in pack.languages:
            for entry in pack.manifest.templates:
                if pack.template_path(entry, language).is_file():
                    cases.append((pack_name, language, entry.id))
    return cases


def _drafts(fixture: Fixture, factory: SampleFactory, entry: TemplateEntry) -> list[Draft]:
    """Drafts of this entry's type built from the fixture's paths that the entry fits."""
    found = []
    for path in fixture.chains(max_hops=3):
        if entry.type == "statement":
            relation = path.relations[0]
            by_id = {e.id: e for e in path.entities}
            hop = Hop(relation, by_id[relation.subject], by_id[relation.object])
            if factory.fit(entry, (hop,)) >= 0:
                found.append(Draft("statement", path, (hop,), (relation,), ()))
            continue
        low, high = (1, 1) if entry.type in ("count", "comparison") else (1, 4)
        if entry.type == "multihop":
            low = 2
        if not low <= path.hops <= high or (entry.type in ("factoid", "mcq") and path.hops != 1):
            continue
        for seed in range(4):
            try:
                draft = factory.draft(path, entry.type, random.Random(seed))
            except Skip:
                continue
            if entry.mode in (None, draft.mode) and factory.fit(entry, draft.hops) >= 0:
                found.append(draft)
        if len(found) >= 6:
            break
    return found


@pytest.mark.parametrize(("pack_name", "language", "template_id"), _cases())
def test_shipped_template_renders_every_block(pack_name: str, language: str, template_id: str) -> None:
    pack = load_pack(pack_name)
    entry = next(e for e in pack.manifest.templates if e.id == template_id)
    rendered = 0
    for make_fixture in GRAPHS[pack_name]:
        fixture = make_fixture()
        factory = SampleFactory(fixture.graph, pack=pack_name, language=language)
        template = factory.renderer.template(pack, entry)
        for draft in _drafts(fixture, factory, entry):
            if entry.type == "statement":
                hop = factory.context(draft)["hop"]
                context = {"lang": language, "hop": hop, "s": hop.subject, "o": hop.object, "yes": "Yes"}
            else:
                context = factory.context(draft)
            texts = [factory.renderer.render_block(template, name, context) for name in template.blocks]
            assert any(texts), f"{template_id}: every block rendered empty"
            assert not any("{{" in t or "{%" in t or "None" in t for t in texts), texts
            rendered += 1
    assert rendered > 0, (
        f"no fixture path fits {pack_name}/{template_id}: add one to tests/generate/graphs.py"
    )


def test_shipped_packs_cover_every_question_type_in_both_languages() -> None:
    generic = load_pack("generic")
    for language in ("en", "zh"):
        types = {e.type for e in generic.manifest.templates if generic.template_path(e, language).is_file()}
        assert types == {*QUESTION_TYPES, "statement"}, language


def test_shipped_packs_are_generic_medical_legal() -> None:
    assert shipped_packs() == ("generic", "legal", "medical")
