"""The relation pattern language and patterns files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgsynth.errors import InputError
from kgsynth.model import Schema
from kgsynth.nlp.patterns import compile_pattern, load_patterns


def test_compile_pattern_cuts_segments_at_gaps() -> None:
    pattern = compile_pattern("causes", "x_causes_y", "SUBJ ...6 ~cause OBJ")
    assert (len(pattern.segments), pattern.gaps, pattern.subject_first) == (2, (6,), True)


def test_compile_pattern_expands_multiword_optional_groups() -> None:
    pattern = compile_pattern("treats", "t", "SUBJ indicated for (the treatment of)? OBJ")
    assert len(pattern.segments[0]) == 2


def test_compile_pattern_records_object_first_order() -> None:
    assert compile_pattern("causes", "p", "OBJ induced by SUBJ").subject_first is False


def test_compile_pattern_required_words_exclude_optional_ones() -> None:
    pattern = compile_pattern("pays", "p", "SUBJ shall not? pay OBJ")
    assert pattern.required_words == frozenset({"shall", "pay"})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("SUBJ causes", "exactly one SUBJ and one OBJ"),
        ("SUBJ (causes OBJ", "unbalanced"),
        ("SUBJ causes) OBJ", "unbalanced"),
        ("SUBJ co-administered OBJ", "hyphenated"),
        ("SUBJ causes OBJ ...", "cannot end with a gap"),
        ("SUBJ (a ... b)? OBJ", "inside a group"),
    ],
)
def test_compile_pattern_rejects_bad_syntax(source: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compile_pattern("causes", "bad", source)


def test_load_patterns_names_the_file_and_line_of_an_unknown_relation(
    tmp_path: Path, test_schema: Schema
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("relations:\n  treats:\n    patterns: []\n  cures:\n    patterns: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r'p\.yaml, line 4: relation "cures" is not in the ontology test'):
        load_patterns(path, test_schema)


def test_load_patterns_names_the_line_of_invalid_yaml(tmp_path: Path, test_schema: Schema) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("relations:\n  treats: [\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"p\.yaml, line 3: not valid YAML"):
        load_patterns(path, test_schema)


def test_load_patterns_names_the_line_of_a_bad_pattern(tmp_path: Path, test_schema: Schema) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        'relations:\n  treats:\n    patterns:\n      - pattern: "SUBJ treats"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"p\.yaml, line 4: pattern 'SUBJ treats': a pattern needs"):
        load_patterns(path, test_schema)


def test_load_patterns_adds_ontology_synonyms_as_triggers(test_schema: Schema) -> None:
    spec = load_patterns(None, test_schema)
    assert {"relieves", "relieved", "treat", "treats"} <= set(spec.triggers["treats"])


def test_not_negated_by_words_join_the_exempt_words(test_schema: Schema, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "relations:\n  interacts_with:\n    patterns:\n"
        '      - name: x_given_with_y\n        pattern: "SUBJ (not)? given with OBJ"\n'
        "        not_negated_by: [not]\n",
        encoding="utf-8",
    )
    [pattern] = load_patterns(path, test_schema).patterns
    assert "not" in pattern.required_words


def test_load_patterns_reads_modifier_heads(test_schema: Schema, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("modifier_heads: [Allergy, intolerance]\nrelations: {}\n")
    assert load_patterns(path, test_schema).modifier_heads == frozenset({"allergy", "intolerance"})


def test_load_patterns_refuses_modifier_heads_that_are_no_list(test_schema: Schema, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("relations: {}\nmodifier_heads: allergy\n")
    with pytest.raises(InputError, match=r"p\.yaml, line 2: modifier_heads must be a list of words"):
        load_patterns(path, test_schema)
