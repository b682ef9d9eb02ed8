"""The manifest of a template pack: which template fits which question type and path pattern.

A pack is a folder ``<pack>/manifest.yaml`` + ``<pack>/<language>/<template id>.j2``. The
manifest is small YAML, validated here with ``extra="forbid"`` so a misspelt key is named
with its file and line instead of being ignored::

    pack: medical
    fallback: generic                 # templates/phrases looked up here when this pack lacks them
    domain_relations: [treats, ...]   # pack="auto" picks the pack covering most of a graph's relations
    labels: {zh: {Drug: 药物}}         # entity type labels per language
    definite: [Agreement]             # types whose names take "the" in English ("the Supply Agreement")
    phrases:                           # how relations read, per language (see phrases.py)
      en: {has_symptom: {kind: has, noun: symptom}}
    templates:
      - id: treats.factoid.v1          # file <language>/treats.factoid.v1.j2
        type: factoid
        pattern: "Drug -treats-> *"    # types and relations, '*' for any; '<-p-' inverse, '-p-' either way

A template fits a path when its type matches, its ``pattern`` (if any) matches the path hop by
hop, and its ``mode`` (comparison: ``more`` / ``shared``) matches. Among fitting templates the
most specific pattern wins (count of non-``*`` tokens); ties are broken by the sample's seed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kgsynth.errors import TemplateError
from kgsynth.generate.phrases import Phrase

#: Question types a factory makes; "statement" templates phrase one reasoning step.
QUESTION_TYPES = ("factoid", "multihop", "yesno", "mcq", "count", "comparison", "explanation")
TemplateType = Literal[
    "factoid", "multihop", "yesno", "mcq", "count", "comparison", "explanation", "statement"
]

_TEMPLATE_ID = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\.v[0-9]+$")
_NODE = re.compile(r"^(\*|[A-Za-z_][A-Za-z0-9_]*)$")
_FORWARD = re.compile(r"^-(\*|[A-Za-z_][A-Za-z0-9_]*)->$")
_INVERSE = re.compile(r"^<-(\*|[A-Za-z_][A-Za-z0-9_]*)-$")
_EITHER = re.compile(r"^-(\*|[A-Za-z_][A-Za-z0-9_]*)-$")


@dataclass(frozen=True)
class Step:
    """One hop of a pattern: predicate (or ``*``) and whether it is read subject -> object (None: either)."""

    predicate: str
    forward: bool | None


@dataclass(frozen=True)
class PathPattern:
    """``Drug -treats-> Disease -has_symptom-> *`` parsed: node types and the steps between them."""

    nodes: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def specificity(self) -> int:
        """How much the pattern pins down: named types and relations count one each."""
        return sum(n != "*" for n in self.nodes) + sum(s.predicate != "*" for s in self.steps)

    @classmethod
    def parse(cls, text: str) -> PathPattern:
        """Parse the pattern text; raises ``ValueError`` naming the bad token."""
        return _parse_pattern(text)


@cache
def _parse_pattern(text: str) -> PathPattern:
    """``PathPattern.parse``, once per distinct pattern text (it is matched for every sample)."""
    tokens = text.split()
    if len(tokens) < 3 or len(tokens) % 2 == 0:
        raise ValueError(f'pattern "{text}" must alternate types and arrows, e.g. "Drug -treats-> Disease"')
    nodes, steps = [], []
    for position, token in enumerate(tokens):
        if position % 2 == 0:
            if not _NODE.match(token):
                raise ValueError(f'pattern "{text}": "{token}" is not a type name or "*"')
            nodes.append(token)
            continue
        forward, inverse, either = _FORWARD.match(token), _INVERSE.match(token), _EITHER.match(token)
        match = forward or inverse or either
        if match is None:
            raise ValueError(
                f'pattern "{text}": "{token}" is not an arrow like -treats->, <-treats- or -treats-'
            )
        steps.append(Step(match.group(1), True if forward else False if inverse else None))
    return PathPattern(tuple(nodes), tuple(steps))


class TemplateEntry(BaseModel):
    """One template of a pack: its id (= file stem), question type, and what paths it fits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    type: TemplateType
    pattern: str | None = None
    mode: Literal["more", "shared"] | None = None
    description: str = ""

    @field_validator("id")
    @classmethod
    def _id_is_versioned(cls, value: str) -> str:
        if not _TEMPLATE_ID.match(value):
            raise ValueError(f'template id "{value}" must look like <name>.v<N>, e.g. "treats.factoid.v1"')
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern_parses(cls, value: str | None) -> str | None:
        if value is not None:
            PathPattern.parse(value)
        return value

    @property
    def path_pattern(self) -> PathPattern | None:
        """The parsed ``pattern``, or None when the template fits any path of its type."""
        return PathPattern.parse(self.pattern) if self.pattern else None


class Manifest(BaseModel):
    """A pack's ``manifest.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pack: str
    description: str = ""
    fallback: str | None = "generic"
    domain_relations: tuple[str, ...] = ()
    labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    definite: tuple[str, ...] = ()
    phrases: dict[str, dict[str, Phrase]] = Field(default_factory=dict)
    templates: tuple[TemplateEntry, ...] = ()


def load_manifest(path: Path) -> Manifest:
    """Read and validate a pack manifest.

    Raises:
        TemplateError: naming the file (and line) when it is missing, not YAML, or not a manifest.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the pack manifest ({exc.strerror}).") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise TemplateError(f"{path}, line {line}: not valid YAML ({exc.problem}).") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: a pack manifest must be a mapping with 'pack' and 'templates'.")
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        line = _line_of(text, error["loc"])
        raise TemplateError(f"{path}{line}: {where}: {error['msg']}.") from exc


def _line_of(text: str, loc: tuple[int | str, ...]) -> str:
    """``", line N"`` of the node a validation error points at, found by walking the YAML nodes."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return f", line {line}" if line else ""


__all__ = ["QUESTION_TYPES", "Manifest", "PathPattern", "Step", "TemplateEntry", "load_manifest"]
