"""The ontology as an LLM prompt sees it, and the versioned prompt templates that show it.

LLM extraction (``kgsynth build --extractor llm``) and LLM claim reading (``kgsynth check
--claims llm``) both ask a model to read text in the ontology's terms, so both prompts carry
the same view of it: every entity type and relation with its label, its description, and (for
relations) its domain and range (``ontology_view``). The prompts themselves are Jinja2 files
``templates/llm/<task>/<language>/<name>.v<N>.j2`` with a ``system`` and a ``user`` block,
rendered with ``StrictUndefined`` (``render_prompt``). A released version is never edited; a
change is the next version. Wheels carry ``templates/`` as package data under
``kgsynth/generate/_templates`` (a symlink in a checkout), so that path is looked in first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import jinja2
import jinja2.sandbox
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from kgsynth.errors import TemplateError, choices
from kgsynth.model import Schema

_PACKAGE = Path(__file__).resolve().parents[1]
#: Where the prompt templates live, in order: wheel package data, then the source checkout.
PROMPT_DIRS = (_PACKAGE / "generate" / "_templates" / "llm", _PACKAGE.parent / "templates" / "llm")
LANGUAGES = ("en", "zh")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")
#: Share of letters that must be Han characters for a text to be prompted in Chinese.
CHINESE_SHARE = 0.3


def ontology_view(schema: Schema) -> dict[str, list[dict[str, Any]]]:
    """The types and relations a prompt lists, as plain data for a template.

    Example:
        >>> view = ontology_view(load_ontology("medical"))     # doctest: +SKIP
        >>> view["relations"][0]["domain"], view["relations"][0]["range"]
        (['Disease', 'Symptom'], ['Drug'])
    """
    types = [
        {"name": t.name, "label": t.label or t.name, "description": t.description, "parents": list(t.parents)}
        for t in schema.entity_types
    ]
    relations = [
        {
            "name": r.name,
            "label": r.label or r.name.replace("_", " "),
            "description": r.description,
            "domain": list(r.domain),
            "range": list(r.range),
            "symmetric": r.symmetric,
        }
        for r in schema.relation_types
    ]
    return {"types": types, "relations": relations}


def name_enum(names: Iterable[str]) -> Any:
    """A ``str`` type whose JSON schema is an ``enum`` of ``names``, for LLM reply models.

    The endpoint sees the enum (so a server that constrains decoding can only write listed
    names), but validation accepts any string: a reply naming one unknown relation then loses
    that one item, rejected and counted by the caller, instead of failing as a whole.
    """
    return Annotated[str, WithJsonSchema({"type": "string", "enum": sorted(set(names))})]


#: Longest entity name accepted in a reply, in characters.
MAX_NAME = 120


class ProposedTriple(BaseModel):
    """A fact an LLM reads from text in the ontology's terms: what extraction and claim reading share.

    Reply models put their own first field (a quote, a sentence) before these by listing it in
    a base class after this one (``class Item(ProposedTriple, Quoted)``): pydantic orders fields
    from the last base to the first, and a model writes its reply in field order.
    """

    model_config = ConfigDict(frozen=True)

    subject: str
    subject_type: str
    relation: str
    object: str
    object_type: str
    negated: bool = False


def triple_fields(schema: Schema) -> dict[str, Any]:
    """``ProposedTriple``'s fields for ``create_model``, typed from ``schema``: enums of its entity
    types and relations (``name_enum``), bounded names."""
    type_name = name_enum(t.name for t in schema.entity_types)
    name: Any = (str, Field(max_length=MAX_NAME))
    return {
        "subject": name,
        "subject_type": (type_name, ...),
        "relation": (name_enum(r.name for r in schema.relation_types), ...),
        "object": name,
        "object_type": (type_name, ...),
        "negated": (bool, False),
    }


def prompt_language(text: str, language: str = "auto") -> str:
    """The prompt language for ``text``: ``language`` itself, or for "auto" zh when Han script
    makes up at least ``CHINESE_SHARE`` of its letters, else en."""
    if language != "auto":
        if language not in LANGUAGES:
            raise TemplateError(f'prompt language "{language}" is not one of: auto, {choices(LANGUAGES)}.')
        return language
    letters = len(_LETTER.findall(text))
    return "zh" if letters and len(_HAN.findall(text)) / letters >= CHINESE_SHARE else "en"


def render_prompt(task: str, name: str, language: str, **context: Any) -> list[dict[str, str]]:
    """The system and user messages of prompt ``<task>/<language>/<name>.j2`` rendered with ``context``.

    Raises:
        TemplateError: the template is missing, does not parse, lacks a block, or uses a
            variable ``context`` does not give (the template file and the variable are named).
    """
    template = _template(task, language, f"{name}.j2")
    where = f"prompt template {task}/{language}/{name}"
    messages = []
    for role in ("system", "user"):
        block = template.blocks.get(role)
        if block is None:
            raise TemplateError(f"{where}: has no {{% block {role} %}}.")
        try:
            text = "".join(block(template.new_context(context))).strip()
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{where}, block {role}: {exc.message or exc}.") from exc
        messages.append({"role": role, "content": text})
    return messages


def prompt_root() -> Path:
    """The folder holding ``<task>/<language>/*.j2`` prompt templates."""
    for folder in PROMPT_DIRS:
        if folder.is_dir():
            return folder.resolve()
    raise TemplateError(
        f"the LLM prompt templates are missing: looked in {', '.join(str(d) for d in PROMPT_DIRS)}. "
        "Reinstall kgsynth."
    )


@cache
def prompt_environment(root: Path) -> jinja2.Environment:
    """The sandboxed, strict Jinja environment every LLM prompt under ``root`` is rendered in."""
    return jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # prompts are plain text, not HTML
    )


def _template(task: str, language: str, file_name: str) -> jinja2.Template:
    root = prompt_root()
    path = f"{task}/{language}/{file_name}"
    try:
        return prompt_environment(root).get_template(path)
    except jinja2.TemplateNotFound as exc:
        there = sorted(p.name for p in (root / task / language).glob("*.j2"))
        raise TemplateError(
            f"prompt template {path} is not in {root}. Templates there: {choices(there)}."
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{root / path}, line {exc.lineno}: {exc.message}.") from exc
