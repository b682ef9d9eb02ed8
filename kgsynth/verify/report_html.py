"""A self-contained HTML report: each record's text with its claims highlighted, and their evidence.

Colours: supported green, contradicted red, not in the graph grey, unlinkable amber. A
stretch of text inside several claims takes the colour of the worst of them
(contradicted > unlinkable > not in the graph > supported). Under each text, every claim
is listed with its verdict, reason, linked entities and the evidence of the matching
facts (sentence and document id). One file, inline CSS, no script and no external asset;
every piece of input text is escaped, so a checked text cannot inject markup.
"""

from __future__ import annotations

import html
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence

from kgsynth.model import Verdict
from kgsynth.verify.check import CheckedRecord
from kgsynth.verify.read import SkippedLine

_WORST = ("contradicted", "unlinkable", "not_in_graph", "supported")
_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.4rem} .summary td{padding:0 1rem 0 0}
.record{border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.record h2{font-size:1rem;margin:0 0 .4rem} .text{white-space:pre-wrap;margin:.4rem 0 .6rem}
.supported{background:#c8f0c8} .contradicted{background:#f6c0c0} .not_in_graph{background:#e2e2e2}
.unlinkable{background:#ffe0a0} .skipped{background:#f0f0f0}
.badge{padding:0 .4rem;border-radius:4px;font-size:.85rem}
ul.claims{margin:.2rem 0;padding-left:1.2rem} .evidence{color:#555;font-size:.9rem} .reason{color:#444}
"""


def render_report(items: Iterable[CheckedRecord | SkippedLine], *, title: str = "kgsynth check") -> str:
    """The whole report as one HTML string."""
    body: list[str] = []
    counts: Counter[str] = Counter()
    for item in items:
        if isinstance(item, SkippedLine):
            counts["skipped"] += 1
            body.append(_skipped(item))
        else:
            counts[item.result.status] += 1
            body.append(_record(item))
    summary = "".join(f"<tr><td>{_e(status)}</td><td>{n}</td></tr>" for status, n in sorted(counts.items()))
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{_e(title)}</h1>"
        f'<table class="summary">{summary}</table>{"".join(body)}</body></html>\n'
    )


def highlight(text: str, verdicts: Sequence[Verdict]) -> str:
    """``text`` escaped, with each claim span wrapped in ``<mark class="<verdict>">``."""
    spans = [
        (v.claim.start, v.claim.end, v.status)
        for v in verdicts
        if 0 <= v.claim.start < v.claim.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    for start, end in itertools.pairwise(cuts):
        covering = [status for s, e, status in spans if s <= start and end <= e]
        piece = _e(text[start:end])
        if covering:
            worst = min(covering, key=_WORST.index)
            out.append(f'<mark class="{worst}" title="{_e(", ".join(sorted(set(covering))))}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def _record(checked: CheckedRecord) -> str:
    result = checked.result
    name = f"line {checked.input.line}" if checked.input.line is not None else "record"
    if result.id is not None:
        name += f" · id {result.id}"
    claims = "".join(_claim(v) for v in result.verdicts)
    return (
        f'<section class="record"><h2>{_e(name)} <span class="badge {_status_class(result.status)}">'
        f"{_e(result.status)}</span></h2>"
        + _qa_line(checked)
        + f'<div class="text">{highlight(checked.text, result.verdicts)}</div>'
        f'<div class="reason">{_e(result.reason)}</div>'
        + (f'<ul class="claims">{claims}</ul>' if claims else "")
        + "</section>"
    )


def _claim(verdict: Verdict) -> str:
    claim = verdict.claim
    ends = " ".join(
        f"{_e(m.text)} → {_e(m.entity_id or 'not linked')}"
        + (f" ({_e(m.method)} {m.score:.2f})" if m.method else "")
        for m in (claim.subject, claim.object)
    )
    statement = f"{claim.predicate}{' (negated)' if claim.negated else ''}"
    evidence = "".join(
        f'<li class="evidence">{_e(r.subject)} {_e(r.predicate)}'
        + (" (negated)" if r.negated else "")
        + f" {_e(r.object)}"
        + "".join(f"<br>“{_e(e.sentence)}” — {_e(e.document_id)}" for e in r.evidence)
        + "</li>"
        for r in verdict.evidence
    )
    return (
        f'<li><span class="badge {verdict.status}">{_e(verdict.status)}</span> '
        f"<q>{_e(claim.text)}</q>: {_e(statement)}; {ends}. "
        f'<span class="reason">{_e(verdict.reason)}</span>'
        + (f"<ul>{evidence}</ul>" if evidence else "")
        + "</li>"
    )


def _qa_line(checked: CheckedRecord) -> str:
    """For a QA pair, the question and answer the checked statement was made from."""
    if checked.input.kind != "qa":
        return ""
    return (
        f'<div class="reason">Q: {_e(checked.input.question)} A: {_e(checked.input.answer)} '
        "→ checked as the statement:</div>"
    )


def _skipped(skipped: SkippedLine) -> str:
    return (
        f'<section class="record"><h2>line {skipped.line} <span class="badge skipped">skipped</span></h2>'
        f'<div class="reason">{_e(skipped.reason)}</div></section>'
    )


def _status_class(status: str) -> str:
    return {"supported": "supported", "contradicted": "contradicted"}.get(status, "not_in_graph")


def _e(text: str) -> str:
    return html.escape(text, quote=True)
