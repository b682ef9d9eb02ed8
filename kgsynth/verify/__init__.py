"""Fact-checking against the graph: claims read from text, QA pairs or our own samples, with verdicts.

``check(records, store)`` yields one ``CheckResult`` per record: ``supported``,
``contradicted`` or ``not_fully_supported``, with a ``Verdict`` per claim (``supported``,
``contradicted``, ``not_in_graph``, ``unlinkable``) carrying the graph facts and their
evidence. ``check_file`` is the same over JSONL, with the output, report and exit code
of ``kgsynth check``. The parts: ``read`` (input lines), ``qa`` (QA pair -> statement),
``link`` (names -> graph entities), ``neighbour_link`` (names the lookup missed, matched
among the entities around the text's), ``claims`` (graph-guided claim reading),
``llm_claims`` (claims an LLM proposes, for ``--claims llm|both``), ``factcheck`` (claim ->
verdict), ``provenance`` (our own samples), ``aggregate`` (claims -> record), ``output`` /
``report_html`` (what is written).
"""

from kgsynth.verify.aggregate import aggregate
from kgsynth.verify.check import CheckedRecord, Checker, Coverage, check
from kgsynth.verify.claims import ClaimReader, TextClaims
from kgsynth.verify.factcheck import FactChecker
from kgsynth.verify.lexicon import RelationLexicon
from kgsynth.verify.link import StoreLinker
from kgsynth.verify.llm_claims import LLMClaimReader
from kgsynth.verify.output import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_SKIPPED_AND_FAILED,
    CheckSummary,
    FailOn,
    result_record,
)
from kgsynth.verify.provenance import check_sample, check_triple
from kgsynth.verify.qa import Statement, qa_statement
from kgsynth.verify.read import DEFAULT_MAX_CHARS, CheckInput, SkippedLine, read_lines
from kgsynth.verify.report_html import highlight, render_report
from kgsynth.verify.run import check_file
from kgsynth.verify.store_names import claim_pipeline, write_store_lexicon

__all__ = [
    "DEFAULT_MAX_CHARS",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_SKIPPED",
    "EXIT_SKIPPED_AND_FAILED",
    "CheckInput",
    "CheckSummary",
    "CheckedRecord",
    "Checker",
    "ClaimReader",
    "Coverage",
    "FactChecker",
    "FailOn",
    "LLMClaimReader",
    "RelationLexicon",
    "SkippedLine",
    "Statement",
    "StoreLinker",
    "TextClaims",
    "aggregate",
    "check",
    "check_file",
    "check_sample",
    "check_triple",
    "claim_pipeline",
    "highlight",
    "qa_statement",
    "read_lines",
    "render_report",
    "result_record",
    "write_store_lexicon",
]
