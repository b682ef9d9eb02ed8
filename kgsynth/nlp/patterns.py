"""Relation patterns declared next to an ontology, and their compilation to spaCy token patterns.

``ontologies/<name>.patterns.yaml`` lists, per relation of the ontology, extra trigger words
and surface patterns in a small language compiled to ``spacy.matcher.Matcher`` patterns::

    relations:
      causes:
        triggers: [~induce, "leads to"]          # added to the ontology label and synonyms
        patterns:
          - name: x_induced_y
            pattern: "SUBJ - ~induce OBJ"
            confidence: 0.85                     # optional
            not_negated_by: [not]                # optional: cue words that do not negate this pattern
    modifier_heads: [allergy]   # optional: a mention right before a mention with one of these words
                                # only modifies it ("penicillin allergy"): it takes part in no relation

Pattern words, separated by spaces:

* ``SUBJ`` / ``OBJ``: one mention (the relation's subject / object);
* ``word`` or ``a|b|c``: a token whose lower-case text is one of those;
* ``~verb``: any regular inflection of the verb (``~induce`` = induce, induces, induced, inducing);
* ``_``: any one token that is not a mention; ``...``: up to four such tokens (``...8``: up to eight);
* a trailing ``?`` makes a word optional; ``( ... )?`` makes a group optional;
* ``\\(`` and ``\\?`` stand for the literal characters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from kgsynth.errors import InputError, choices
from kgsynth.model import Schema
from kgsynth.nlp.morphology import base_verb, verb_forms

DEFAULT_CONFIDENCE = 0.8
#: libyaml's safe loader when PyYAML was built with it (about 8x faster on the shipped files).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_QUOTE_WORDS = ['"', "“", "”", "'", "the", "hereinafter"]
#: A mention, optionally followed by its bracketed short form: 'Aspirin (ASA)', 'Acme Corp. ("Acme")'.
_MENTION = [
    {"ENT_IOB": "B"},
    {"ENT_IOB": "I", "OP": "*"},
    {"ORTH": "(", "OP": "?"},
    {"LOWER": {"IN": _QUOTE_WORDS}, "OP": "*"},
    {"ENT_TYPE": {"NOT_IN": [""]}, "OP": "*"},
    {"LOWER": {"IN": _QUOTE_WORDS}, "OP": "*"},
    {"ORTH": ")", "OP": "?"},
]
_GAP_MAX = 4


@dataclass(frozen=True)
class RelationPattern:
    """One compiled surface pattern.

    A pattern is cut at its ``...`` gaps into segments; each segment compiles to Matcher token
    patterns (one per optional-group expansion), and ``gaps[i]`` is the most non-mention tokens
    allowed between segment ``i`` and ``i + 1``. Matching short gap-free segments and chaining
    them keeps the Matcher from exploring every skip length inside every candidate span.
    """

    relation: str
    name: str
    subject_first: bool
    confidence: float
    required_words: frozenset[str]
    segments: tuple[tuple[tuple[dict[str, Any], ...], ...], ...]
    gaps: tuple[int, ...]

    @property
    def rule(self) -> str:
        return f"pattern:{self.relation}:{self.name}"


@dataclass(frozen=True)
class PatternSpec:
    """Everything a patterns file says: compiled patterns and trigger words per relation."""

    patterns: tuple[RelationPattern, ...] = ()
    triggers: dict[str, tuple[str, ...]] | None = None
    #: Words of a mention that make the mention right before it a modifier ("penicillin allergy").
    modifier_heads: frozenset[str] = frozenset()


def load_patterns(path: str | Path | None, schema: Schema) -> PatternSpec:
    """Read and compile a patterns file for ``schema``; ``None`` gives triggers from the ontology only.

    Raises:
        InputError: naming the file (and line) for unreadable YAML, an unknown relation,
            or a pattern that does not compile.
    """
    raw: dict[str, Any] = {}
    text = ""
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            raw = yaml.load(text, Loader=_SAFE_LOADER) or {}
        except OSError as exc:
            raise InputError(f"{path}: cannot read the relation patterns ({exc})") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            raise InputError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("relations", {}), dict):
            raise InputError(f"{path}: expected a mapping with a 'relations:' mapping at the top")
    relations = raw.get("relations", {}) or {}
    patterns: list[RelationPattern] = []
    triggers = {r.name: _ontology_triggers(r.label or r.name, r.synonyms) for r in schema.relation_types}
    for relation, body in relations.items():
        where = f"{path}, line {_line_of(text, f'{relation}:')}"
        if not schema.has_relation(relation):
            raise InputError(
                f'{where}: relation "{relation}" is not in the ontology {schema.name}. '
                f"Relations present: {choices(r.name for r in schema.relation_types)}."
            )
        body = body or {}
        triggers[relation] = tuple(
            dict.fromkeys(triggers[relation] + _expand_triggers(body.get("triggers", [])))
        )
        for entry in body.get("patterns", []) or []:
            patterns.append(_compile_entry(relation, entry, path, text))
    heads = raw.get("modifier_heads", []) or []
    if not isinstance(heads, list):
        raise InputError(
            f"{path}, line {_line_of(text, 'modifier_heads:')}: modifier_heads must be a list of words"
        )
    return PatternSpec(
        patterns=tuple(patterns), triggers=triggers, modifier_heads=frozenset(str(w).lower() for w in heads)
    )


def compile_pattern(
    relation: str, name: str, source: str, confidence: float = DEFAULT_CONFIDENCE
) -> RelationPattern:
    """Compile one pattern string (see the module docstring); raises ``ValueError`` on bad syntax."""
    items = _split(source)
    slots = [item for item in items if item in ("SUBJ", "OBJ")]
    if sorted(slots) != ["OBJ", "SUBJ"]:
        raise ValueError("a pattern needs exactly one SUBJ and one OBJ")
    required = frozenset(
        word for item in items if isinstance(item, str) and not item.endswith("?") for word in _words(item)
    )
    segments: list[list[Any]] = [[]]
    gaps: list[int] = []
    for item in items:
        if isinstance(item, str) and re.fullmatch(r"\.\.\.\d*", item):
            if not segments[-1]:
                raise ValueError("a gap ('...') must stand between two words")
            gaps.append(int(item[3:] or _GAP_MAX))
            segments.append([])
        else:
            segments.append([*segments.pop(), item])
    if not segments[-1]:
        raise ValueError("a pattern cannot end with a gap ('...')")
    return RelationPattern(
        relation=relation,
        name=name,
        subject_first=slots[0] == "SUBJ",
        confidence=confidence,
        required_words=required,
        segments=tuple(
            tuple(tuple(_compile_items(variant)) for variant in _expand_groups(segment))
            for segment in segments
        ),
        gaps=tuple(gaps),
    )


def _compile_entry(relation: str, entry: Any, path: Path | None, text: str) -> RelationPattern:
    if not isinstance(entry, dict) or "pattern" not in entry:
        raise InputError(
            f"{path}, relation {relation}: each pattern needs 'name' and 'pattern' keys, got {entry!r}"
        )
    source = str(entry["pattern"])
    name = str(entry.get("name") or re.sub(r"\W+", "_", source.lower()).strip("_"))
    try:
        pattern = compile_pattern(relation, name, source, float(entry.get("confidence", DEFAULT_CONFIDENCE)))
        # "X should not be combined with Y" warns of an interaction: its "not" negates nothing.
        keeps = frozenset(str(w).lower() for w in entry.get("not_negated_by", []) or [])
        return replace(pattern, required_words=pattern.required_words | keeps) if keeps else pattern
    except ValueError as exc:
        raise InputError(f"{path}, line {_line_of(text, source)}: pattern {source!r}: {exc}") from exc


def _split(source: str) -> list[Any]:
    """Tokenise a pattern into words and (group, optional) tuples."""
    spaced = re.sub(r"(?<!\\)\(", " ( ", source)
    spaced = re.sub(r"(?<!\\)\)(\??)", r" )\1 ", spaced)
    stack: list[list[Any]] = [[]]
    for word in spaced.split():
        if word == "(":
            stack.append([])
        elif word in (")", ")?"):
            if len(stack) == 1:
                raise ValueError("unbalanced ')'")
            group = stack.pop()
            if (
                word == ")?"
                and len(group) == 1
                and isinstance(group[0], str)
                and group[0] not in ("SUBJ", "OBJ")
            ):
                stack[-1].append(group[0].rstrip("?") + "?")  # "(a|b)?" is one optional token, no expansion
            else:
                stack[-1].append(("group", tuple(group), word == ")?"))
        else:
            stack[-1].append(word)
    if len(stack) != 1:
        raise ValueError("unbalanced '('")
    return stack[0]


def _expand_groups(items: list[Any]) -> list[list[str]]:
    choices_per_item: list[list[list[str]]] = []
    for item in items:
        if isinstance(item, tuple):
            inner = _expand_groups(list(item[1]))
            choices_per_item.append(inner + ([[]] if item[2] else []))
        else:
            choices_per_item.append([[item]])
    return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*choices_per_item)]


def _compile_items(words: list[str]) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = []
    for word in words:
        if word in ("SUBJ", "OBJ"):
            tokens.extend(_MENTION)
        elif word.startswith("..."):
            raise ValueError("a gap ('...') cannot stand inside a group")
        elif word in ("_", "_?"):
            tokens.append({"ENT_IOB": "O", **({"OP": "?"} if word == "_?" else {})})
        else:
            optional = word.endswith("?") and not word.endswith("\\?")
            forms = sorted(_words(word[:-1] if optional else word))
            if not forms:
                raise ValueError(f"empty word in {word!r}")
            if any("-" in form and form != "-" for form in forms):
                raise ValueError(
                    f"{word!r}: the tokenizer splits hyphenated words; write them as 'co - administered'"
                )
            tokens.append({"LOWER": {"IN": forms}, **({"OP": "?"} if optional else {})})
    return tokens


def _words(item: str) -> set[str]:
    """Lower-case forms a pattern word stands for ("~induce|cause" -> induce, induces, ..., cause)."""
    item = item.rstrip("?") if not item.endswith("\\?") else item
    if item in ("SUBJ", "OBJ", "_") or item.startswith("..."):
        return set()
    forms: set[str] = set()
    for alternative in item.split("|"):
        alternative = alternative.replace("\\", "").lower()
        forms.update(verb_forms(alternative[1:]) if alternative.startswith("~") else (alternative,))
    return forms


def _expand_triggers(words: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for word in words:
        word = str(word).lower()
        out.extend(verb_forms(word[1:]) if word.startswith("~") else (word,))
    return tuple(out)


def _ontology_triggers(label: str, synonyms: tuple[str, ...]) -> tuple[str, ...]:
    """Label and synonyms as written, plus the regular verb forms of each ("induces" -> induced, ...)."""
    out: list[str] = []
    for phrase in (label.replace("_", " "), *synonyms):
        phrase = phrase.lower().strip()
        if phrase:
            out.append(phrase)
            out.extend(verb_forms(base_verb(phrase)))
    return tuple(dict.fromkeys(out))


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1
