"""``check``: records in, one ``CheckResult`` per record out, streaming.

Texts and QA pairs go through the claim pipeline in batches (a QA pair is first made one
statement, ``qa.py``); their claims are read graph-guided (``claims.py``) and each is
verified (``factcheck.py``). Our own samples are re-checked through their stored checks
(``provenance.py``) without parsing; a sample without checks is checked as the text
"question answer" instead. Results come back in input order.

``claims`` says who reads claims from texts: the rules (default), an LLM (``llm_claims.py``:
it proposes triples, which are linked and verified here exactly like rule-read ones), or both
(the LLM reads again the texts the rules left not fully supported; its claims join theirs).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from kgsynth.errors import CheckError, ConfigError
from kgsynth.llm import LLM
from kgsynth.model import CheckResult, Claim, LinkedMention, Sample, Schema, Verdict
from kgsynth.nlp import ExtractionPipeline, TextFacts
from kgsynth.store.base import GraphStore
from kgsynth.verify.aggregate import aggregate
from kgsynth.verify.claims import ClaimReader
from kgsynth.verify.factcheck import FactChecker
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.llm_claims import ClaimSource, LLMClaimReader, LLMClaims
from kgsynth.verify.provenance import check_sample, check_triples
from kgsynth.verify.qa import qa_statement
from kgsynth.verify.query_check import QueryChecker
from kgsynth.verify.question import Query, QuestionReader
from kgsynth.verify.read import CheckInput, as_inputs
from kgsynth.verify.store_names import claim_pipeline

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 64

#: What outside every claim keeps a text from support (see ``Checker``).
Coverage = Literal["unknown", "mentions", "all", "none"]


@dataclass(frozen=True)
class CheckedRecord:
    """A checked input: what was checked (the statement made from a QA pair), and the result."""

    input: CheckInput
    text: str
    result: CheckResult
    uncovered: tuple[LinkedMention, ...] = ()
    #: Relation words no claim reads, and who read the claims ("rules", "llm", "rules+llm"; ""
    #: when the record was not read as text: a query or our own sample's provenance).
    unread: tuple[str, ...] = ()
    read_by: str = ""


class Checker:
    """Everything a check needs, built once: schema, pipeline, linker, fact checker, claim reader.

    Args:
        store: the graph to check against.
        schema: the schema the claims use; default: the one registered in the store.
        pipeline: the extraction pipeline; default ``claim_pipeline(schema, store, model=model)``
            (built on first use, so checking only our own samples never loads spaCy).
        implicit: also read the graph's relation between two related entities of one
            sentence when no relation is proposed for them and no other relation's phrase stands
            between them (see ``claims.py``; default: on. It raises recall on text a schema has
            few words for, at the price of reading co-mentions as statements; measured in
            ``scripts/evaluate_check.py``, where with coverage "all" it keeps false support
            under 5%).
        closed_world: a yes/no question answered "no" is supported when the graph lacks the
            fact (as kgsynth's own negative samples are made); default off: only a stated
            denial or a functional relation's other value supports it.
        coverage: what outside every claim keeps a text from support: "all" (default) every
            mention in a sentence naming two or more entities (the text says something no claim
            reads) and every relation word no claim of its sentence explains ("Tomato is an
            ingredient of X" when "Tomato" is no name the graph knows); "mentions" the mentions
            only; "unknown" only mentions the graph does not know; "none" nothing.
    """

    def __init__(
        self,
        store: GraphStore,
        schema: Schema | None = None,
        pipeline: ExtractionPipeline | None = None,
        *,
        implicit: bool = True,
        coverage: Coverage = "all",
        fuzzy: bool = True,
        model: str = "auto",
        closed_world: bool = False,
        claims: ClaimSource = "rules",
        llm: LLM | None = None,
    ) -> None:
        self.store = store
        self.schema = schema if schema is not None else store.schema()
        if not self.schema.relation_types:
            raise CheckError(
                f'the store "{store.url}" has no schema registered and none was given: pass an ontology '
                "(--ontology medical, --ontology legal or --ontology FILE)."
            )
        self._pipeline = pipeline
        self._model = model
        self.linker = StoreLinker(store, self.schema, fuzzy=fuzzy)
        self.facts = FactChecker(store, self.schema, entity_type=self.linker.entity_type)
        self.lexicon = RelationLexicon.for_schema(self.schema)
        self.reader = ClaimReader(self.linker, self.facts, self.lexicon, implicit=implicit)
        self.questions = QuestionReader(self.schema, self.linker, self.lexicon)
        self.queries = QueryChecker(self.facts, self.linker, closed_world=closed_world)
        self.coverage = coverage
        if claims != "rules" and llm is None:
            raise ConfigError(f'claims "{claims}" needs an LLM: pass llm= (--llm-base-url and --llm-model).')
        self.claims = claims
        self.llm_reader = LLMClaimReader(llm, self.schema, self.linker) if llm is not None else None
        #: Texts parsed so far (our own samples with checks are never parsed).
        self.parsed_texts = 0

    @property
    def pipeline(self) -> ExtractionPipeline:
        """The extraction pipeline, built on first use."""
        if self._pipeline is None:
            self._pipeline = claim_pipeline(self.schema, self.store, model=self._model)
        return self._pipeline

    def check_inputs(
        self, inputs: Iterable[CheckInput], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> Iterator[CheckedRecord]:
        """Check records in order, parsing texts ``batch_size`` at a time."""
        batch: list[CheckInput] = []
        for record in inputs:
            batch.append(record)
            if len(batch) >= batch_size:
                yield from self._check_batch(batch)
                batch = []
        if batch:
            yield from self._check_batch(batch)

    def statement(self, record: CheckInput) -> str:
        """The text a record is checked as (a QA pair made one statement)."""
        if record.kind in ("qa", "provenance"):
            return qa_statement(record.question, record.answer, self.lexicon).text
        if record.kind == "sample" and record.sample is not None:
            sample: Sample = record.sample
            return qa_statement(sample.question, sample.answer, self.lexicon).text
        return record.text

    def _check_batch(self, batch: list[CheckInput]) -> Iterator[CheckedRecord]:
        if self.claims == "llm":
            yield from self._check_batch_by_llm(batch)
        elif self.claims == "both":
            yield from self._read_again_by_llm(list(self._check_batch_by_rules(batch)))
        else:
            yield from self._check_batch_by_rules(batch)

    def _check_batch_by_llm(self, batch: list[CheckInput]) -> Iterator[CheckedRecord]:
        assert self.llm_reader is not None
        texts = {id(r): self.statement(r) for r in batch if not _exact(r)}
        read = dict(zip(texts, self.llm_reader.read_many(list(texts.values())), strict=True)) if texts else {}
        for record in batch:
            if id(record) in read:
                yield self._verified(record, read[id(record)], [], (), "llm")
            else:
                yield self._check_exactly(record)

    def _read_again_by_llm(self, checked: list[CheckedRecord]) -> list[CheckedRecord]:
        """The LLM's claims added to the texts the rules read but left not fully supported."""
        assert self.llm_reader is not None
        todo = [c for c in checked if c.read_by == "rules" and c.result.status == "not_fully_supported"]
        if not todo:
            return checked
        read = self.llm_reader.read_many([c.text for c in todo])
        again = {id(c): r for c, r in zip(todo, read, strict=True)}
        return [self._with_llm(c, again[id(c)]) if id(c) in again else c for c in checked]

    def _with_llm(self, checked: CheckedRecord, read: LLMClaims) -> CheckedRecord:
        known = {_claim_key(v.claim) for v in checked.result.verdicts}
        new = LLMClaims(text=read.text)
        for claim, context in zip(read.claims, read.contexts, strict=True):
            if _claim_key(claim) not in known:
                new.claims.append(claim)
                new.contexts.append(context)
        named = {m.entity_id for c in new.claims for m in (c.subject, c.object) if m.entity_id}
        uncovered = [m for m in checked.uncovered if m.entity_id is None or m.entity_id not in named]
        unread = () if new.claims else checked.unread  # the LLM read what the rules' words left open
        verdicts = list(checked.result.verdicts)
        return self._verified(checked.input, new, verdicts, uncovered, "rules+llm", unread)

    def _verified(
        self,
        record: CheckInput,
        read: LLMClaims,
        verdicts: list[Verdict],
        uncovered: Sequence[LinkedMention],
        read_by: str,
        unread: tuple[str, ...] = (),
    ) -> CheckedRecord:
        """LLM-proposed claims verified by the fact checker (the LLM never gives a verdict)."""
        pairs = zip(read.claims, read.contexts, strict=True)
        verdicts = verdicts + [self.facts.verify(claim, context) for claim, context in pairs]
        result = aggregate(
            verdicts, record_id=record.id, uncovered=self._blocking(uncovered), unread=list(unread)
        )
        return CheckedRecord(record, read.text, result, tuple(uncovered), unread, read_by)

    def _blocking(self, uncovered: Sequence[LinkedMention]) -> list[LinkedMention]:
        """The mentions in no claim that keep a text from support under ``coverage``."""
        return [
            m
            for m in uncovered
            if self.coverage in ("all", "mentions") or (self.coverage == "unknown" and m.entity_id is None)
        ]

    def _check_batch_by_rules(self, batch: list[CheckInput]) -> Iterator[CheckedRecord]:
        parse = [r for r in batch if not _exact(r)]
        asked = self._read_questions([r for r in parse if _qa_pair(r) is not None])
        texts = {id(r): self.statement(r) for r in parse if id(r) not in asked}
        facts = dict(zip(texts, self.pipeline.extract(list(texts.values())), strict=True)) if texts else {}
        self.parsed_texts += len(texts)
        for record in batch:
            if id(record) in asked:
                yield asked[id(record)]
                continue
            if id(record) not in facts:
                yield self._check_exactly(record)
                continue
            yield self.check_facts(record, texts[id(record)], facts[id(record)])

    def _check_exactly(self, record: CheckInput) -> CheckedRecord:
        """A record with provenance: re-checked through its triple checks, no parse needed."""
        if record.sample is not None:
            result = check_sample(record.sample, self.store, record_id=record.id)
            return CheckedRecord(
                input=record, text=f"{record.sample.question} {record.sample.answer}", result=result
            )
        result = check_triples(record.checks, self.store, record_id=record.id)
        return CheckedRecord(input=record, text=f"{record.question} {record.answer}", result=result)

    def _read_questions(self, records: list[CheckInput]) -> dict[int, CheckedRecord]:
        """QA pairs whose question reads as a query, checked as one (the rest: as statements)."""
        if not records:
            return {}
        pairs = [_qa_pair(r) for r in records]
        questions = [pair[0] for pair in pairs if pair is not None]
        done: dict[int, CheckedRecord] = {}
        for record, pair, facts in zip(records, pairs, self.pipeline.extract(questions), strict=True):
            assert pair is not None
            query = self.questions.read(pair[0], pair[1], facts)
            if query is not None:
                done[id(record)] = self.check_query(record, query, f"{pair[0]} {pair[1]}")
        self.parsed_texts += len(records)
        return done

    def check_query(self, record: CheckInput, query: Query, text: str) -> CheckedRecord:
        """Check a QA pair read as a query (``question.py``) as a path in the graph."""
        verdicts = self.queries.verify(query)
        return CheckedRecord(input=record, text=text, result=aggregate(verdicts, record_id=record.id))

    def check_facts(self, record: CheckInput, text: str, facts: TextFacts) -> CheckedRecord:
        """Check a record whose text the pipeline has already read (claims, verdicts, aggregation)."""
        shared = self.questions.statement(text, facts)
        if shared is not None:
            # "A and B share the side effect X.": two statements about X, no relation between A and B
            return self.check_query(record, shared, text)
        read = self.reader.read(facts)
        verdicts = [
            self.facts.verify(claim, context)
            for claim, context in zip(read.claims, read.contexts, strict=True)
        ]
        blocking = self._blocking(read.uncovered)
        unread = read.unread if self.coverage == "all" else []
        result = aggregate(verdicts, record_id=record.id, uncovered=blocking, unread=unread)
        return CheckedRecord(
            input=record, text=text, result=result, uncovered=tuple(read.uncovered), unread=tuple(unread),
            read_by="rules",
        )  # fmt: skip


def _claim_key(claim: Claim) -> tuple[str | None, str, str | None, bool]:
    return (claim.subject.entity_id, claim.predicate, claim.object.entity_id, claim.negated)


def _qa_pair(record: CheckInput) -> tuple[str, str] | None:
    """A record's question and answer, when it is a QA pair without provenance."""
    if record.kind == "qa":
        return record.question, record.answer
    if record.kind == "sample" and record.sample is not None and not record.sample.checks:
        return record.sample.question, record.sample.answer
    return None


def _exact(record: CheckInput) -> bool:
    """Whether a record carries provenance checks, so it is re-checked exactly instead of parsed."""
    if record.kind == "sample":
        return record.sample is not None and bool(record.sample.checks)
    return record.kind == "provenance"


def check(
    records: Iterable[CheckInput | Sample | str | dict],
    store: GraphStore,
    schema: Schema | None = None,
    pipeline: ExtractionPipeline | None = None,
    *,
    implicit: bool = True,
    coverage: Coverage = "all",
    batch_size: int = DEFAULT_BATCH_SIZE,
    closed_world: bool = False,
) -> Iterator[CheckResult]:
    """Check each record against the graph: one ``CheckResult`` per record, in order.

    A record is a string (text), a dict with ``text`` or ``question`` + ``answer`` (an
    ``id`` is kept), a ``Sample`` (checked through its provenance) or a ``CheckInput``.

    Example:
        >>> for result in check(["Aspirin treats headache."], store):   # doctest: +SKIP
        ...     print(result.status, result.verdicts[0].evidence[0].evidence[0].document_id)
        supported doc:1

    Raises:
        CheckError: a record that cannot be checked (which one is named), or a store
            without a schema when none is given.
    """
    checker = Checker(
        store, schema, pipeline, implicit=implicit, coverage=coverage, closed_world=closed_world
    )
    for checked in checker.check_inputs(as_inputs(records), batch_size=batch_size):
        yield checked.result
