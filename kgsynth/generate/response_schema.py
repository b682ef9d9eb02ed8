"""The response schema of one LLM question, built per fact path as a JSON-schema dict.

A server that constrains decoding to the schema (llama.cpp, vLLM, OpenAI's ``json_schema``)
can then only cite the path's own fact ids (an ``enum``) and only answer with one of the
path's candidate answers (an ``enum``: its entity names and aliases, yes/no, the options of a
multiple-choice question, or a count; an explanation's passage is free text of bounded length),
in bounded lengths. The schema uses only the keywords
``kgsynth.llm._jsonschema`` checks, so a server that ignores it is caught by our own
validation. The schemas of a judge's rubric verdict and pairwise choice are here too.
"""

from __future__ import annotations

from typing import Any

from kgsynth.generate.prompted import PathFrame

#: Longest question, reasoning step and judge reason accepted, in characters.
MAX_QUESTION = 400
MAX_STEP = 300
MAX_REASON = 300
#: Shortest and longest explanation passage accepted, in characters.
MIN_PASSAGE = 20
MAX_PASSAGE = 1200
#: Rubric criteria a judge scores from 1 to 5.
RUBRIC = ("fluency", "answerability", "difficulty")


def qa_schema(frame: PathFrame, *, cot: bool) -> dict[str, Any]:
    """The reply schema for ``frame``: question, reasoning (with ``cot``) citing fact ids, answer."""
    properties: dict[str, Any] = {"question": {"type": "string", "minLength": 8, "maxLength": MAX_QUESTION}}
    if cot:
        step = {
            "type": "object",
            "properties": {
                "fact": {"type": "string", "enum": [fact.id for fact in frame.facts]},
                "text": {"type": "string", "minLength": 4, "maxLength": MAX_STEP},
            },
            "required": ["fact", "text"],
            "additionalProperties": False,
        }
        properties["reasoning"] = {
            "type": "array",
            "items": step,
            "minItems": 1,
            "maxItems": len(frame.facts),
        }
    if frame.reference.type == "explanation":
        properties["answer"] = {"type": "string", "minLength": MIN_PASSAGE, "maxLength": MAX_PASSAGE}
    else:
        properties["answer"] = {"type": "string", "enum": list(frame.answers)}
    return {
        "title": "qa_reply",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def pairwise_schema() -> dict[str, Any]:
    """A judge's choice between two pairs shown as A and B (or a tie), and one reason."""
    properties: dict[str, Any] = {
        "better": {"type": "string", "enum": ["A", "B", "tie"]},
        "reason": {"type": "string", "maxLength": MAX_REASON},
    }
    return {
        "title": "pairwise",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def rubric_schema() -> dict[str, Any]:
    """A judge's verdict: each rubric criterion scored 1-5, and one reason."""
    score = {"type": "integer", "minimum": 1, "maximum": 5}
    properties: dict[str, Any] = {name: dict(score) for name in RUBRIC}
    properties["reason"] = {"type": "string", "maxLength": MAX_REASON}
    return {
        "title": "rubric",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


__all__ = [
    "MAX_PASSAGE",
    "MAX_QUESTION",
    "MAX_REASON",
    "MAX_STEP",
    "MIN_PASSAGE",
    "RUBRIC",
    "pairwise_schema",
    "qa_schema",
    "rubric_schema",
]
