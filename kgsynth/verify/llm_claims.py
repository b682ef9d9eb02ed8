"""LLM claim reading for ``check --claims llm|both``: the model proposes, the graph decides.

For text the rules cannot read (another language, phrasing no pattern knows), a model lists
the (subject, ontology relation, object, negated) triples the text states, each with the
sentence it comes from (``templates/llm/claims/<language>/claims.v1.j2``; the reply schema's
relation and type fields are enums of the ontology's names). Each proposal is then handled
exactly like a rules-read claim: its names are linked to graph entities by the ``StoreLinker``
and the ``Claim`` goes to the symbolic ``FactChecker`` (``check.py`` does that). The LLM never
gives a verdict: a proposal of a fact the graph lacks is ``not_in_graph``, one whose names
the graph does not know is ``unlinkable``, whatever the model thought of it.

A proposal is dropped, and counted under its reason (``DROPS``), when its relation is not in
the ontology, its sentence is not in the text (after normalisation, ``names.find_spans``), a
name is empty or not in the text at all (an invented or translated name), both names link to
one entity, the linked entities' graph types do not fit the relation's domain and range (a
misreading: a weak model's "metformin adverse_effect_of metformin" would otherwise make a text
contradicted that says nothing of the kind), or it repeats an earlier proposal. Drops only
ever leave a text less read, never wrongly supported or contradicted. A reply that cannot be
used (cut, not JSON, not the schema) is counted in ``unusable`` and its text gets no LLM claim.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from kgsynth.llm import LLM, Reply, SamplingParams
from kgsynth.model import Claim, LinkedMention, Schema
from kgsynth.names import find_spans
from kgsynth.ontology.prompt import (
    ProposedTriple,
    ontology_view,
    prompt_language,
    render_prompt,
    triple_fields,
)
from kgsynth.verify.link import StoreLinker

logger = logging.getLogger(__name__)

#: Who reads claims from texts in ``check``: the rules, an LLM, or both.
ClaimSource = Literal["rules", "llm", "both"]
#: The prompt template (``templates/llm/claims/<language>/<name>.j2``).
PROMPT = "claims.v1"
DEFAULT_PARAMS = SamplingParams(temperature=0.0, seed=0, max_tokens=512)
#: Most claims one reply may list.
MAX_CLAIMS = 12

UNKNOWN_RELATION = "relation not in the ontology"
SENTENCE_NOT_FOUND = "sentence not in the text"
NAME_NOT_FOUND = "subject or object not in the text"
SAME_ENTITY = "subject and object are one entity"
TYPES_DO_NOT_FIT = "graph types do not fit the relation"
REPEATED = "repeats an earlier claim"
DROPS = (UNKNOWN_RELATION, SENTENCE_NOT_FOUND, NAME_NOT_FOUND, SAME_ENTITY, TYPES_DO_NOT_FIT, REPEATED)
Span = tuple[int, int]


class _Sentence(BaseModel):
    sentence: str


class ProposedClaim(ProposedTriple, _Sentence):
    """One claim as the model writes it, after the sentence it comes from (``sentence`` first)."""


class Proposals(BaseModel):
    """One text's reply."""

    model_config = ConfigDict(frozen=True)

    claims: list[ProposedClaim] = []


def proposals_model(schema: Schema, max_items: int = MAX_CLAIMS) -> type[Proposals]:
    """The reply model for ``schema``: relation and type fields are enums of its names (in the JSON
    schema only: an unknown name drops one proposal, counted, not the whole reply)."""
    return _model(schema, max_items)


@lru_cache(maxsize=32)
def _model(schema: Schema, max_items: int) -> type[Proposals]:
    claim = create_model(
        "Claim", __base__=ProposedClaim, sentence=(str, Field(max_length=500)), **triple_fields(schema)
    )
    items: Any = list[claim]  # type: ignore[valid-type]
    return create_model(
        "Proposals", __base__=Proposals, claims=(items, Field(default_factory=list, max_length=max_items))
    )


@dataclass
class LLMClaims:
    """The claims proposed for one text, linked (not verified), with the relations of each sentence."""

    text: str
    claims: list[Claim] = field(default_factory=list)
    contexts: list[frozenset[str]] = field(default_factory=list)


@dataclass
class ClaimCounts:
    """Running counts of one check: proposals, kept claims, drops by reason, unusable replies."""

    texts: int = 0
    proposed: int = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    unusable: Counter[str] = field(default_factory=Counter)

    def summary(self, model: str) -> str:
        """``LLM claims (m): 9 proposed for 4 texts, 7 kept, 2 dropped (...)``."""
        dropped = sum(self.dropped.values())
        line = f"LLM claims ({model}): {self.proposed} proposed for {self.texts} texts, {self.kept} kept"
        line += f", {dropped} dropped" + (f" ({_reasons(self.dropped)})" if dropped else "")
        unusable = sum(self.unusable.values())
        if unusable:
            line += f"; {unusable} replies unusable ({_reasons(self.unusable)})"
        return line


class LLMClaimReader:
    """Asks a model for the claims of texts and links them to the graph; never verifies them.

    Example:
        >>> reader = LLMClaimReader(FakeLLM(replies=[...]), schema, StoreLinker(store))  # doctest: +SKIP
        >>> [c.predicate for c in reader.read_many(["Aspirin treats headache."])[0].claims]
        ['treats']
    """

    def __init__(
        self,
        llm: LLM,
        schema: Schema,
        linker: StoreLinker,
        *,
        language: str = "auto",
        params: SamplingParams = DEFAULT_PARAMS,
        max_items: int = MAX_CLAIMS,
    ) -> None:
        self.llm = llm
        self.schema = schema
        self.linker = linker
        self.language = language
        prompt_language("", language)  # refuse an unknown language now
        self.params = params
        self.model_name = str(getattr(llm, "model", "") or "llm")
        self.reply_model = proposals_model(schema, max_items)
        self.counts = ClaimCounts()
        self._ontology = ontology_view(schema)

    def read_many(self, texts: Sequence[str]) -> list[LLMClaims]:
        """The linked claims of each text, in order (asked concurrently)."""
        replies = asyncio.run(self._ask_all(texts))
        return [self._claims(text, reply) for text, reply in zip(texts, replies, strict=True)]

    async def _ask_all(self, texts: Sequence[str]) -> list[Reply]:
        try:
            return list(await asyncio.gather(*(self._ask(text) for text in texts)))
        finally:
            close = getattr(self.llm, "aclose", None)
            if close is not None:  # an HTTP client belongs to this loop, which ends here
                await close()

    async def _ask(self, text: str) -> Reply:
        language = prompt_language(text, self.language)
        messages = render_prompt("claims", PROMPT, language, ontology=self._ontology, text=text)
        return await self.llm.complete(messages, schema=self.reply_model, params=self.params, stage="check")

    def _claims(self, text: str, reply: Reply) -> LLMClaims:
        self.counts.texts += 1
        out = LLMClaims(text=text)
        if not reply.ok:
            self.counts.unusable[reply.failure or "unknown"] += 1
            return out
        seen: set[tuple[str, ...]] = set()
        by_sentence: dict[Span, set[str]] = {}
        placed: list[tuple[Claim, Span]] = []
        for item in reply.parsed.claims:
            self.counts.proposed += 1
            found = self._place(item, text)
            if isinstance(found, str):
                self.counts.dropped[found] += 1
                continue
            claim, sentence = found
            key = (claim.subject.text.casefold(), claim.predicate, claim.object.text.casefold())
            key += (str(claim.negated),)
            if key in seen:
                self.counts.dropped[REPEATED] += 1
                continue
            seen.add(key)
            by_sentence.setdefault(sentence, set()).add(claim.predicate)
            placed.append((claim, sentence))
        for claim, sentence in placed:
            out.claims.append(claim)
            out.contexts.append(frozenset(by_sentence[sentence]))
        self.counts.kept += len(out.claims)
        return out

    def _place(self, item: ProposedClaim, text: str) -> tuple[Claim, Span] | str:
        """The proposal as a linked ``Claim`` over its sentence, or why it is dropped."""
        if not self.schema.has_relation(item.relation):
            return UNKNOWN_RELATION
        sentences = find_spans(item.sentence, text)
        if not sentences:
            return SENTENCE_NOT_FOUND
        sentence = sentences[0]
        subject = self._mention(item.subject, item.subject_type, text, sentence)
        object_ = self._mention(item.object, item.object_type, text, sentence)
        if subject is None or object_ is None:
            return NAME_NOT_FOUND
        if subject.entity_id is not None and subject.entity_id == object_.entity_id:
            return SAME_ENTITY
        relation = self.schema.relation_type(item.relation)
        if not (self._fits(subject, relation.domain) and self._fits(object_, relation.range)):
            return TYPES_DO_NOT_FIT
        claim = Claim(
            text=text[sentence[0] : sentence[1]],
            start=sentence[0],
            end=sentence[1],
            subject=subject,
            predicate=item.relation,
            object=object_,
            negated=item.negated,
            rule=f"llm:{self.model_name}",
        )
        return claim, sentence

    def _fits(self, mention: LinkedMention, allowed: tuple[str, ...]) -> bool:
        """Whether a linked entity's graph type may stand where ``allowed`` types may (unlinked: yes)."""
        graph_type = self.linker.entity_type(mention.entity_id) if mention.entity_id else None
        return not allowed or graph_type is None or any(self.schema.is_a(graph_type, t) for t in allowed)

    def _mention(self, name: str, type_name: str, text: str, sentence: Span) -> LinkedMention | None:
        """``name`` where the text names it (in the sentence if it can), linked to the graph."""
        spans = find_spans(name, text)
        if not spans:
            return None
        inside = [s for s in spans if sentence[0] <= s[0] and s[1] <= sentence[1]]
        start, end = (inside or spans)[0]
        typed = type_name if self.schema.has_entity_type(type_name) else None
        link = self.linker.resolve(typed, " ".join(name.split()), text[start:end])
        return LinkedMention(
            text=text[start:end],
            start=start,
            end=end,
            type=typed,
            entity_id=link.entity_id,
            method=link.method,
            score=link.score,
        )


def _reasons(counts: Counter[str]) -> str:
    return "; ".join(f"{count} {reason}" for reason, count in sorted(counts.items()))
