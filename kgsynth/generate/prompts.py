"""Versioned LLM prompt templates: ``<folder>/<language>/<name>.v<N>.j2`` with system, user, feedback.

The shipped prompts live in ``templates/llm/<task>/`` (``qa`` writes questions, ``judge`` scores
them); a user pack is any folder with the same ``<language>/<name>.v<N>.j2`` layout, passed as
``folder``. A template has a ``system`` and a ``user`` block, and may have a ``feedback`` block
(the turn that tells the model why its reply was rejected). Jinja runs sandboxed with
``StrictUndefined``: a variable the context lacks is a ``TemplateError`` naming the file and the
variable, never an empty string in a prompt. Every rendered prompt carries the template's id and
the hash of its source, and hashes to the same value as its messages, so a sample records which
prompt made it and editing a template changes exactly the cache keys of the prompts it changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from kgsynth.errors import TemplateError, choices
from kgsynth.generate.pack import templates_root
from kgsynth.model import content_hash
from kgsynth.ontology.prompt import prompt_environment

#: Blocks every prompt template must define.
REQUIRED_BLOCKS = ("system", "user")


@dataclass(frozen=True)
class Prompt:
    """Rendered messages and where they came from."""

    template_id: str
    template_hash: str
    messages: tuple[dict[str, str], ...]

    @property
    def hash(self) -> str:
        """Hash of the rendered messages (recorded on each sample; the cache key includes them too)."""
        return content_hash(json.dumps(self.messages, ensure_ascii=False, sort_keys=True))


def prompt_folder(task: str) -> Path:
    """The shipped folder of prompts for ``task`` (``templates/llm/<task>``)."""
    folder = templates_root() / "llm" / task
    if not folder.is_dir():
        raise TemplateError(f"no shipped LLM prompts for task {task!r} in {folder.parent}.")
    return folder


class PromptTemplate:
    """One prompt template in one language, compiled once.

    Example:
        >>> qa = PromptTemplate("qa", "qa.v1", "en")                       # doctest: +SKIP
        >>> qa.render(type="factoid", ...).messages[0]["role"]            # doctest: +SKIP
        'system'
    """

    def __init__(self, task: str, name: str, language: str, folder: Path | None = None) -> None:
        self.root = (folder.expanduser() if folder is not None else prompt_folder(task)).resolve()
        self.name = name
        self.language = language
        self.path = self.root / language / f"{name}.j2"
        if not self.path.is_file():
            there = sorted(p.relative_to(self.root).as_posix() for p in self.root.glob("*/*.j2"))
            raise TemplateError(
                f"prompt template {self.path} does not exist. Templates in {self.root}: {choices(there)}."
            )
        self.id = f"{task if folder is None else self.root.name}/{language}/{name}"
        source = self.path.read_text(encoding="utf-8")
        self.hash = content_hash(source)
        try:
            self.template = prompt_environment(self.root).get_template(f"{language}/{name}.j2")
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"{self.path}, line {exc.lineno}: template syntax error: {exc.message}."
            ) from exc
        missing = [block for block in REQUIRED_BLOCKS if block not in self.template.blocks]
        if missing:
            raise TemplateError(
                f"{self.path}: has no {{% block {missing[0]} %}}; a prompt needs system and user."
            )

    def render(self, **context: Any) -> Prompt:
        """The system and user messages rendered with ``context``."""
        messages = tuple({"role": role, "content": self.block(role, context)} for role in REQUIRED_BLOCKS)
        return Prompt(self.id, self.hash, messages)

    def feedback(self, **context: Any) -> str:
        """The user turn that names a rejected reply's problems (a plain default without the block)."""
        if "feedback" not in self.template.blocks:
            return f"That reply was rejected: {context.get('problems', '')}. Write the JSON object again."
        return self.block("feedback", context)

    def block(self, name: str, context: dict[str, Any]) -> str:
        """Render one block; any template failure is a ``TemplateError`` naming the file and line."""
        try:
            return "".join(self.template.blocks[name](self.template.new_context(context))).strip()
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"{self.path} (block {name}): {exc.message}. "
                f"Variables available: {', '.join(sorted(context))}."
            ) from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self.path} (block {name}): {exc.message or exc}.") from exc


__all__ = ["REQUIRED_BLOCKS", "Prompt", "PromptTemplate", "prompt_folder"]
