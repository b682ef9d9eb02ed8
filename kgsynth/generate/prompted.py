"""LLM-written samples: a template sample's facts framed for a prompt, and the reply made a ``Sample``.

The template factory decides the facts of a sample (the path, the answer, a yes/no question's
negative, a multiple-choice question's distractors, the checks that re-verify it); an LLM only
rewords it. ``PathFrame.of(reference)`` takes such a reference sample and derives what a prompt
and the grounding gate need: the path's facts with short ids (``F1``, ``F2``, ... each standing
for one relation id), the entities the question must name (those the exact template question
names), the entities it must not name (a chain's hidden middle), and the answers the reply may
give. ``LLMDraft`` is a reply read leniently (a reply that breaks the schema is still read, so the
gate can say *which* rule it broke); ``frame.sample(draft, ...)`` builds the sample, keeping the
reference's path, checks, label and choices, so ``kgsynth check`` re-verifies it exactly like a
template sample.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from kgsynth.generate.factory import YES_NO
from kgsynth.model import Entity, ReasoningStep, Relation, Sample, content_hash
from kgsynth.names import names_in

#: Type labels a prompt uses, per language.
TYPE_LABELS = {
    "en": {
        "factoid": "factoid",
        "multihop": "multi-hop",
        "yesno": "yes/no",
        "mcq": "multiple-choice",
        "count": "counting",
        "comparison": "comparison",
        "explanation": "explanation",
    },
    "zh": {
        "factoid": "事实型",
        "multihop": "多跳推理",
        "yesno": "是非",
        "mcq": "选择",
        "count": "计数",
        "comparison": "比较",
        "explanation": "解释",
    },
}
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class FactView:
    """One fact of the path as a prompt shows it: a short id, both ends, the relation, a source sentence."""

    id: str
    relation_id: str
    subject: str
    subject_type: str
    relation: str
    object: str
    object_type: str
    sentence: str
    subject_names: tuple[str, ...]
    object_names: tuple[str, ...]


@dataclass(frozen=True)
class LLMDraft:
    """A reply read leniently: fields the reply lacks are empty, ``problems`` says what was malformed."""

    question: str = ""
    reasoning: tuple[tuple[str, str], ...] = ()
    answer: str = ""
    problems: tuple[str, ...] = ()

    @classmethod
    def read(cls, value: Any) -> LLMDraft:
        """Read a parsed JSON value; anything not of the expected shape is named in ``problems``."""
        if not isinstance(value, dict):
            return cls(problems=(f"the reply is a JSON {type(value).__name__}, not an object",))
        problems: list[str] = []
        question, answer = value.get("question"), value.get("answer")
        if not isinstance(question, str) or not question.strip():
            problems.append("no question")
        if not isinstance(answer, str | int) or not str(answer).strip():
            problems.append("no answer")
        steps: list[tuple[str, str]] = []
        raw_steps = value.get("reasoning", [])
        for step in raw_steps if isinstance(raw_steps, list) else [None]:
            if (
                isinstance(step, dict)
                and isinstance(step.get("fact"), str)
                and isinstance(step.get("text"), str)
            ):
                steps.append((step["fact"].strip(), step["text"].strip()))
            else:
                problems.append(f"reasoning step {step!r} is not {{fact, text}}")
        return cls(
            question=question.strip() if isinstance(question, str) else "",
            reasoning=tuple(steps),
            answer=str(answer).strip() if isinstance(answer, str | int) else "",
            problems=tuple(problems),
        )

    @classmethod
    def read_text(cls, text: str) -> LLMDraft:
        """Read reply text that did not pass the schema: the JSON it holds, if any."""
        stripped = text.strip()
        fenced = _FENCE.search(text)
        candidate = stripped if stripped[:1] == "{" else fenced.group(1) if fenced else stripped
        try:
            return cls.read(json.loads(candidate))
        except json.JSONDecodeError as exc:
            return cls(problems=(f"not valid JSON ({exc.msg})",))


@dataclass(frozen=True)
class PathFrame:
    """What prompting and gating need to know of one reference sample (see the module docstring)."""

    reference: Sample
    facts: tuple[FactView, ...]
    given: tuple[Entity, ...]
    hidden: tuple[Entity, ...]
    answers: tuple[str, ...]
    answer_names: tuple[str, ...]
    needed: frozenset[str]
    options: tuple[str, ...] = ()
    option_lines: str = ""
    entity_names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, reference: Sample) -> PathFrame:
        """Frame ``reference`` (a template sample) for an LLM rewrite."""
        path = reference.path
        by_id = {e.id: e for e in path.entities}
        facts = tuple(_fact(f"F{i}", r, by_id) for i, r in enumerate(path.relations, start=1))
        stem, _, option_lines = (
            reference.question.partition("\n")
            if reference.choices
            else (
                reference.question,
                "",
                "",
            )
        )
        candidates = [*path.entities, *_corrupted(reference)]
        given = tuple(e for e in candidates if any(names_in(n, stem) for n in _names(e)))
        hidden = tuple(e for e in path.entities[1:-1] if path.shape == "chain" and e not in given)
        answer_entity = next((e for e in candidates if e.name == reference.answer), None)
        if reference.type == "explanation":  # a passage may name the whole chain; it has no enum
            hidden, answer_entity = (), None
        return cls(
            reference=reference,
            facts=facts,
            given=given or tuple(path.entities[:1]),
            hidden=hidden,
            answers=_answers(reference, candidates),
            answer_names=_names(answer_entity) if answer_entity else (reference.answer,),
            needed=frozenset(step.relation_id for step in reference.reasoning),
            options=reference.choices,
            option_lines=option_lines,
            entity_names={e.id: _names(e) for e in candidates},
        )

    @property
    def fact_ids(self) -> dict[str, str]:
        """Short fact id -> relation id."""
        return {fact.id: fact.relation_id for fact in self.facts}

    def context(
        self, *, cot: bool, persona: str = "", examples: tuple[dict[str, str], ...] = ()
    ) -> dict[str, Any]:
        """The variables a ``qa`` prompt template sees."""
        reference = self.reference
        labels = TYPE_LABELS.get(reference.language, TYPE_LABELS["en"])
        return {
            "lang": reference.language,
            "type": reference.type,
            "type_label": labels.get(reference.type, reference.type),
            "hops": reference.hops,
            "facts": self.facts,
            "entities": [
                {"name": e.name, "type": e.type, "aliases": list(e.aliases)}
                for e in self.reference.path.entities
            ],
            "given": [e.name for e in self.given],
            "hidden": [e.name for e in self.hidden],
            "draft": reference.question.partition("\n")[0] if reference.choices else reference.question,
            "answer": reference.answer,
            "options": list(self.options),
            "cot": cot,
            "persona": persona,
            "examples": list(examples),
        }

    def question(self, draft: LLMDraft) -> str:
        """The sample's question: the reply's, with a multiple-choice question's options after it."""
        return f"{draft.question}\n{self.option_lines}" if self.option_lines else draft.question

    def sample(self, draft: LLMDraft, *, made_by: str, cot: bool, meta: dict[str, str]) -> Sample:
        """The sample the reply makes; path, checks, label and choices are the reference's."""
        reference = self.reference
        ids = self.fact_ids
        if cot:
            steps = tuple(
                ReasoningStep(text=text, relation_id=ids.get(fact, fact)) for fact, text in draft.reasoning
            )
        else:
            steps = reference.reasoning
        question = self.question(draft)
        return reference.model_copy(
            update={
                "id": "sample:"
                + content_hash("llm", question, draft.answer, *(r.id for r in reference.path.relations)),
                "question": question,
                "answer": draft.answer,
                "reasoning": steps,
                "made_by": made_by,
                "meta": {**reference.meta, "reference": reference.id, **meta},
            }
        )


def _fact(short_id: str, relation: Relation, by_id: dict[str, Entity]) -> FactView:
    subject, object_ = by_id[relation.subject], by_id[relation.object]
    sentence = next((e.sentence for e in relation.evidence if e.sentence), "")
    label = ("not " if relation.negated else "") + relation.predicate.replace("_", " ")
    return FactView(
        id=short_id,
        relation_id=relation.id,
        subject=subject.name,
        subject_type=subject.type,
        relation=label,
        object=object_.name,
        object_type=object_.type,
        sentence=sentence,
        subject_names=_names(subject),
        object_names=_names(object_),
    )


def _names(entity: Entity) -> tuple[str, ...]:
    return (entity.name, *entity.aliases)


def _corrupted(reference: Sample) -> list[Entity]:
    """The entity a negative yes/no question asks about, which is not on the path (from its id)."""
    corrupted = reference.meta.get("corrupted", "")
    type_name, _, name = corrupted.partition(":")
    return [Entity(id=corrupted, type=type_name, name=name)] if name else []


def _answers(reference: Sample, candidates: list[Entity]) -> tuple[str, ...]:
    """The answers a reply may give (the schema's enum): the graph decides which one is right."""
    yes_no = YES_NO.get(reference.language, YES_NO["en"])
    if reference.answer in yes_no:
        return yes_no
    if reference.choices:
        return tuple(reference.choices)
    if reference.type == "count":
        top = max(10, int(reference.answer) + 5) if reference.answer.isdigit() else 10
        return tuple(str(i) for i in range(top + 1))
    if reference.type == "explanation":
        return ()  # a free passage: the gate's claim check decides, not an enum
    return tuple(dict.fromkeys(name for e in candidates for name in _names(e)))


__all__ = ["TYPE_LABELS", "FactView", "LLMDraft", "PathFrame"]
