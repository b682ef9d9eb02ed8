"""``SampleFactory``: one ``FactPath`` + a question type -> one grounded ``Sample`` (or a counted skip).

The factory decides the facts first (a ``Draft``: which triples, which negative, which
distractors, what count), then picks the best-fitting template of its pack chain and renders
the question, the answer and one reasoning step per cited triple. Every random choice (yes or
no, distractors, phrasing variant, template among equals) comes from a ``random.Random``
seeded with the factory's seed and the path's content, so the same seed and path always give
the same sample, whatever was generated before it.

Example:
    >>> factory = SampleFactory(graph, pack="medical", language="en", seed=7)   # doctest: +SKIP
    >>> sample = factory.make(path, "factoid")                                   # doctest: +SKIP
    >>> sample.question, sample.answer                                           # doctest: +SKIP
    ('Which disease does aspirin treat?', 'headache')
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from pathlib import Path

from kgsynth.errors import ConfigError, choices
from kgsynth.generate.aggregate import MAX_COUNT, comparison_draft, count_draft
from kgsynth.generate.chain import chain_draft
from kgsynth.generate.distractors import N_CHOICES, mcq_draft
from kgsynth.generate.draft import Draft, Hop, Skip, rid
from kgsynth.generate.explanation import EXPLANATION_HOPS, explanation_draft, passage
from kgsynth.generate.lookup import GraphLookup
from kgsynth.generate.manifest import QUESTION_TYPES, TemplateEntry
from kgsynth.generate.negatives import NEGATIVE_SHARE, yesno_draft
from kgsynth.generate.pack import Pack, choose_pack, pack_chain
from kgsynth.generate.render import Renderer
from kgsynth.generate.views import EntityView, HopView, OptionView
from kgsynth.generate.vocabulary import Vocabulary
from kgsynth.model import Entity, FactPath, ReasoningStep, Relation, Sample, content_hash
from kgsynth.names import names_in
from kgsynth.store.snapshot import GraphSnapshot

logger = logging.getLogger(__name__)

_HOPS = {
    "factoid": (1, 1),
    "multihop": (2, 4),
    "yesno": (1, 4),
    "mcq": (1, 1),
    "count": (1, 1),
    "comparison": (1, 1),
    "explanation": EXPLANATION_HOPS,
}
#: Answers of yes/no questions, per language.
YES_NO = {"en": ("Yes", "No"), "zh": ("是", "否")}
#: Statements cached per factory before the cache is emptied (they repeat across samples).
_STATEMENT_CACHE = 100_000
_VIEW_CACHE = 100_000
#: What a statement may read of its hop and still be rendered as a stencil: nothing that names an entity.
_HOP_SHAPE = frozenset({"phrase", "predicate", "label", "forward", "functional", "symmetric", "negated"})


def hops_for(type_name: str) -> tuple[int, int]:
    """The path lengths (min, max) a question type is made from.

    ``count`` and ``comparison`` take any path and use its first relation (the factory gathers
    the star itself), so they ask walkers for 1-hop paths.

    Raises:
        ConfigError: naming the valid types, if ``type_name`` is not one.
    """
    if type_name not in _HOPS:
        raise ConfigError(f'question type "{type_name}" is not known. Types: {", ".join(QUESTION_TYPES)}.')
    return _HOPS[type_name]


class SampleFactory:
    """Makes samples from fact paths with one template pack chain, in one language.

    Args:
        graph: the snapshot the paths come from; negatives, distractors and counts are read here.
        pack: ``"auto"`` (the shipped domain pack that knows most of the graph's relations, else
            ``generic``), a shipped pack name, or the path of a user pack folder.
        language: template language folder, e.g. ``"en"`` or ``"zh"``.
        templates_dir: a user pack folder; overrides ``pack``.
        seed: mixed into every sample's random choices.
    """

    def __init__(
        self,
        graph: GraphSnapshot,
        *,
        pack: str | Path = "auto",
        language: str = "en",
        templates_dir: Path | None = None,
        seed: int = 0,
        negative_share: float = NEGATIVE_SHARE,
        n_choices: int = N_CHOICES,
        max_count: int = MAX_COUNT,
    ) -> None:
        self.graph = graph
        self.seed = seed
        self.language = language
        self.negative_share = negative_share
        self.n_choices = n_choices
        self.max_count = max_count
        chosen: str | Path = templates_dir if templates_dir is not None else pack
        if chosen == "auto":
            chosen = choose_pack(graph.predicates)
        self.chain: tuple[Pack, ...] = pack_chain(chosen)
        available = {lang for p in self.chain for lang in p.languages}
        if language not in available:
            raise ConfigError(
                f'language "{language}" has no templates in pack {self.chain[0].name}. '
                f"Languages: {choices(available)}."
            )
        self.lookup = GraphLookup(graph)
        self.vocabulary = Vocabulary(self.chain, language, graph.schema)
        self.renderer = Renderer(self.chain, language)
        self.skipped: Counter[str] = Counter()
        self._statements: dict[str, str] = {}
        self._views: dict[str, EntityView] = {}
        self._hop_views: dict[tuple[str, str, str], HopView] = {}
        self._fits: dict[tuple[object, ...], tuple[Pack, tuple[TemplateEntry, ...]] | str] = {}

    @property
    def pack(self) -> str:
        """Name of the pack in use (its fallbacks excluded)."""
        return self.chain[0].name

    # ------------------------------------------------------------------ entry point
    def make(self, path: FactPath, type: str) -> Sample | None:
        """A sample of question ``type`` from ``path``, or None (the reason is counted in ``skipped``).

        Raises:
            ConfigError: if ``type`` is not a question type.
            TemplateError: if a template of the pack is broken (file, line and variable named).
        """
        low, high = hops_for(type)
        if type not in ("count", "comparison") and not low <= path.hops <= high:
            return self._skip(f"{type}: needs {low}-{high} hops, path has {path.hops}")
        if path.hops == 0:
            return self._skip(f"{type}: empty path")
        rng = random.Random(self._seed_for(path, type))
        try:
            return self._render(self.draft(path, type, rng), rng)
        except Skip as skip:
            return self._skip(skip.reason)

    def _skip(self, reason: str) -> None:
        self.skipped[reason] += 1
        logger.debug("skip: %s", reason)
        return None

    def _seed_for(self, path: FactPath, type_name: str) -> int:
        key = content_hash(
            str(self.seed),
            type_name,
            self.language,
            *(rid(r) for r in path.relations),
            *(e.id for e in path.entities),
        )
        return int(key, 16)

    def draft(self, path: FactPath, type_name: str, rng: random.Random) -> Draft:
        """The facts of a ``type_name`` sample from ``path`` before wording; raises ``Skip`` if none.

        Public for tools and tests that want to look at (or render) a draft directly.
        """
        lookup = self.lookup
        if type_name in ("factoid", "multihop"):
            return chain_draft(lookup, path, type_name)
        if type_name == "yesno":
            return yesno_draft(lookup, path, rng, self.negative_share)
        if type_name == "mcq":
            return mcq_draft(lookup, path, rng, self.n_choices)
        if type_name == "count":
            return count_draft(lookup, path, self.max_count)
        if type_name == "explanation":
            return explanation_draft(path)
        return comparison_draft(lookup, path, rng, self.max_count)

    # ------------------------------------------------------------------ templates
    def _choose(
        self, type_name: str, hops: tuple[Hop, ...], mode: str | None, rng: random.Random | None
    ) -> tuple[Pack, TemplateEntry]:
        """The most specific fitting template of the first pack in the chain that has one."""
        pack, tied = self._fitting(type_name, hops, mode)
        return pack, rng.choice(tied) if rng is not None else tied[0]

    def _fitting(
        self, type_name: str, hops: tuple[Hop, ...], mode: str | None
    ) -> tuple[Pack, tuple[TemplateEntry, ...]]:
        """The pack and its equally best templates for these hops; remembered by what ``fit`` reads.

        ``fit`` looks only at each hop's predicate, direction and end types, so paths alike in
        those get the same templates: a run asks for a few hundred shapes, not one per sample.
        """
        key = (
            type_name,
            mode,
            tuple(
                (h.relation.predicate, h.relation.subject == h.source.id, h.source.type, h.target.type)
                for h in hops
            ),
        )
        found = self._fits.get(key)
        if found is None:
            found = self._fits[key] = self._best(type_name, hops, mode)
        if isinstance(found, str):
            raise Skip(found)
        return found

    def _best(
        self, type_name: str, hops: tuple[Hop, ...], mode: str | None
    ) -> tuple[Pack, tuple[TemplateEntry, ...]] | str:
        for pack in self.chain:
            fitting = [
                (entry, self.fit(entry, hops))
                for entry in pack.entries(type_name, self.language)
                if entry.mode in (None, mode)
            ]
            fitting = [(entry, score) for entry, score in fitting if score >= 0]
            if fitting:
                best = max(score for _, score in fitting)
                return pack, tuple(entry for entry, score in fitting if score == best)
        return f"{type_name}: no template fits {' '.join(h.relation.predicate for h in hops)}"

    def fit(self, entry: TemplateEntry, hops: tuple[Hop, ...]) -> int:
        """How specifically ``entry`` fits ``hops``: -1 when it does not fit at all."""
        pattern = entry.path_pattern
        if pattern is None:
            return 0
        if len(pattern.steps) != len(hops):
            return -1
        is_a = self.graph.schema.is_a
        for j, (hop, step) in enumerate(zip(hops, pattern.steps, strict=True)):
            relation = hop.relation
            if step.predicate not in ("*", relation.predicate):
                return -1
            forward = relation.subject == hop.source.id
            if step.forward not in (None, forward) and not self.lookup.is_symmetric(relation.predicate):
                return -1
            for node, entity in ((pattern.nodes[j], hop.source), (pattern.nodes[j + 1], hop.target)):
                if node != "*" and not is_a(entity.type, node):
                    return -1
        return pattern.specificity

    # ------------------------------------------------------------------ rendering
    def _render(self, draft: Draft, rng: random.Random) -> Sample:
        pack, entry = self._choose(draft.type, draft.hops, draft.mode, rng)
        context = self.context(draft)
        question = self.renderer.render_variant(pack, entry, "question", context, rng)
        self._refuse_leaks(draft, question)
        step = ReasoningStep.model_construct  # built from validated parts: no need to validate again
        reasoning = tuple(step(text=self.statement(r, draft), relation_id=rid(r)) for r in draft.cited)
        if draft.type == "explanation":
            answer = passage([s.text for s in reasoning], self.language)
        elif self.renderer.has_block(pack, entry, "answer"):
            answer = self.renderer.render_variant(pack, entry, "answer", context, rng, sentence=False)
        else:
            answer = str(context["answer"])
        relation_ids = [rid(r) for r in draft.path.relations]
        return Sample.model_construct(  # every part is built here from validated models
            id="sample:" + content_hash(draft.type, question, answer, *relation_ids),
            type=draft.type,
            question=question,
            answer=answer,
            choices=tuple(e.name for e in draft.entity_lists.get("option_entities", ())),
            reasoning=reasoning,
            label=draft.label,
            hops=draft.path.hops if draft.path.shape == "chain" else 1,
            language=self.language,
            made_by=f"template:{pack.name}/{entry.id}",
            path=draft.path,
            checks=draft.checks,
            meta={**draft.meta, "seed": str(self.seed), **({"mode": draft.mode} if draft.mode else {})},
        )

    def _view(self, entity: Entity) -> EntityView:
        view = self._views.get(entity.id)
        if view is None:
            if len(self._views) >= _VIEW_CACHE:
                self._views.clear()
            vocabulary = self.vocabulary
            view = EntityView.of(entity, vocabulary.type_label(entity.type), vocabulary.reference(entity))
            self._views[entity.id] = view
        return view

    def _hop_view(self, hop: Hop) -> HopView:
        relation_id = rid(hop.relation)
        key = (relation_id, hop.source.id, hop.target.id)
        view = self._hop_views.get(key)
        if view is None:
            if len(self._hop_views) >= _VIEW_CACHE:
                self._hop_views.clear()
            predicate = hop.relation.predicate
            view = self._hop_views[key] = HopView.of(
                hop.relation,
                self._view(hop.source),
                self._view(hop.target),
                self.vocabulary.phrase(predicate),
                functional=self.lookup.is_functional(predicate),
                symmetric=self.lookup.is_symmetric(predicate),
                relation_id=relation_id,
            )
        return view

    def context(self, draft: Draft) -> dict[str, object]:
        """The variables a template sees: views of the draft's entities and hops, and its values."""
        yes, no = YES_NO.get(self.language, YES_NO["en"])
        hops = [self._hop_view(hop) for hop in draft.hops]
        path = draft.path
        context: dict[str, object] = {
            "lang": self.language,
            "hops": hops,
            "hop": hops[0],
            "n_hops": len(hops),
            "start": self._view(path.entities[0]),
            "end": self._view(path.entities[-1]),
            "yes": yes,
            "no": no,
            "answer": {"yes": yes, "no": no}.get(draft.answer_word or "", draft.answer),
        }
        context.update({name: self._view(e) for name, e in draft.entities.items()})
        context.update({name: [self._view(e) for e in es] for name, es in draft.entity_lists.items()})
        context.update(draft.values)
        if "option_entities" in draft.entity_lists:
            letters = draft.values["letters"]
            assert isinstance(letters, list)
            context["options"] = [
                OptionView(letter, self._view(e), e.id == draft.entities["target"].id)
                for letter, e in zip(letters, draft.entity_lists["option_entities"], strict=True)
            ]
        if "counted_type_name" in draft.values:
            name = str(draft.values["counted_type_name"])
            context["counted_type"] = self.vocabulary.type_label(name) if name else ""
        return context

    def statement(self, relation: Relation, draft: Draft) -> str:
        """One reasoning step: ``relation`` stated as a sentence by the pack's statement template."""
        relation_id = rid(relation)
        cached = self._statements.get(relation_id)
        if cached is not None:
            return cached
        by_id = {e.id: e for e in draft.path.entities}
        subject, object_ = by_id[relation.subject], by_id[relation.object]
        hop = Hop(relation, subject, object_)
        # Statements are cached per relation, so their wording must not depend on the sample: no
        # random choice (the first best template, the first variant).
        pack, entry = self._choose("statement", (hop,), None, None)
        view = self._hop_view(hop)
        context = {
            "lang": self.language,
            "hop": view,
            "s": view.subject,
            "o": view.object,
            "yes": YES_NO.get(self.language, YES_NO["en"])[0],
        }
        text = self.renderer.render_fixed(
            pack, entry, "statement", context, opaque=("s", "o"), restricted={"hop": _HOP_SHAPE}
        )
        if len(self._statements) >= _STATEMENT_CACHE:
            self._statements.clear()
        self._statements[relation_id] = text
        return text

    def _refuse_leaks(self, draft: Draft, question: str) -> None:
        """Skip a question that names an intermediate entity, or (factoid/multi-hop) its own answer."""
        for entity in draft.hidden:
            if names_in(entity.name, question):
                raise Skip(f"{draft.type}: question names an intermediate entity")
        if draft.type in ("factoid", "multihop") and names_in(draft.answer, question):
            raise Skip(f"{draft.type}: question names its answer")



__all__ = ["QUESTION_TYPES", "YES_NO", "SampleFactory", "hops_for"]
