"""HTML report: claim spans highlighted with the verdict's class, every input escaped, one file."""

from __future__ import annotations

import re

from kgsynth.model import CheckResult, Verdict
from kgsynth.verify.check import CheckedRecord
from kgsynth.verify.read import CheckInput, SkippedLine
from kgsynth.verify.report_html import highlight, render_report
from tests.verify.conftest import claim, mention

TEXT = "<b>Aspirin</b> treats headache & fever."


def _verdict(status: str, start: int, end: int) -> Verdict:
    made = claim(
        mention(TEXT[start : start + 3], "Drug:aspirin", start),
        "treats",
        mention(TEXT[end - 3 : end], "Symptom:headache", end - 3),
    )
    return Verdict(status=status, claim=made)


def test_report_highlight_wraps_the_claim_span_in_its_class_and_escapes():
    html = highlight(TEXT, [_verdict("supported", 0, 30)])
    assert html == (
        '<mark class="supported" title="supported">&lt;b&gt;Aspirin&lt;/b&gt; treats headache</mark>'
        " &amp; fever."
    )


def test_report_overlapping_claims_take_the_worst_colour():
    html = highlight(TEXT, [_verdict("supported", 0, 30), _verdict("contradicted", 15, 39)])
    assert re.findall(r'<mark class="(\w+)"', html) == ["supported", "contradicted", "contradicted"]


def test_report_is_one_escaped_file_without_external_assets():
    checked = CheckedRecord(
        input=CheckInput(line=1, id='<script>alert("id")</script>', kind="text", text=TEXT),
        text=TEXT,
        result=CheckResult(
            id='<script>alert("id")</script>',
            status="contradicted",
            verdicts=(_verdict("unlinkable", 0, 30),),
            reason="<i>why</i>",
        ),
    )
    page = render_report([checked, SkippedLine(line=2, reason="in.jsonl, line 2: <bad>")])
    assert "<script" not in page and "src=" not in page and "http" not in page
    assert "&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;" in page
    assert '<mark class="unlinkable"' in page
    assert "in.jsonl, line 2: &lt;bad&gt;" in page
