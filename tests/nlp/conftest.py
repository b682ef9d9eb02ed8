"""Fixtures for the extraction tests: a small schema, lexicon and patterns written for the tests.

Unit tests run on ``spacy.blank("en")`` plus the rules (model="blank"), so they are fast and
exact; tests marked ``integration`` use the installed trained model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgsynth.model import EntityType, RelationType, Schema
from kgsynth.nlp import ExtractionPipeline, TextFacts, build_pipeline

LEXICON = """\
# test lexicon
Drug\taspirin\tacetylsalicylic acid|ASA
Drug\twarfarin
Drug\tpropranolol
Chemical\tnitric oxide\tNO
Disease\tseizure\tconvulsion
Disease\tpeptic ulcer\tgastric ulcer
Disease\tmigraine without aura
Disease\thepatitis b
Disease\tdrug induced lupus
Symptom\theadache
Jurisdiction\tDelaware\tState of Delaware
"""

PATTERNS = """\
relations:
  treats:
    patterns:
      - name: is_indicated_for
        pattern: "SUBJ (is|are)? indicated for (the treatment of)? OBJ"
        confidence: 0.9
  causes:
    triggers: [~induce]
    patterns:
      - name: x_induced_y
        pattern: "SUBJ - ~induce OBJ"
      - name: x_causes_y
        pattern: "SUBJ ... ~cause OBJ"
  interacts_with:
    triggers: [interaction]
    patterns:
      - name: x_not_combined_with_y
        pattern: "SUBJ should not be combined with OBJ"
  pays:
    patterns:
      - name: party_shall_pay
        pattern: "SUBJ (shall|will)? (not)? ~pay OBJ"
  governed_by:
    patterns:
      - name: governed_by_the_laws_of
        pattern: "SUBJ ...8 ~govern ...8 laws of (the)? OBJ"
"""


def make_schema() -> Schema:
    """Medical and legal types in one schema, named like the shipped ontologies' types."""
    return Schema(
        name="test",
        entity_types=(
            EntityType(name="Chemical", label="chemical", synonyms=("substance",)),
            EntityType(name="Drug", label="drug", parents=("Chemical",), synonyms=("medication",)),
            EntityType(name="DrugClass", label="drug class"),
            EntityType(name="Disease", label="disease", synonyms=("disorder",)),
            EntityType(name="Symptom", label="symptom"),
            EntityType(name="Party", label="party"),
            EntityType(name="Organization", label="organization", parents=("Party",)),
            EntityType(name="Person", label="person", parents=("Party",)),
            EntityType(name="Agreement", label="agreement", synonyms=("this agreement", "contract")),
            EntityType(name="Jurisdiction", label="jurisdiction"),
            EntityType(name="Date", label="date"),
            EntityType(name="Amount", label="amount"),
        ),
        relation_types=(
            RelationType(
                name="treats",
                label="treats",
                domain=("Drug",),
                range=("Disease", "Symptom"),
                synonyms=("treat", "relieves"),
            ),
            RelationType(
                name="causes",
                label="causes",
                domain=("Chemical",),
                range=("Disease", "Symptom"),
                synonyms=("leads to",),
            ),
            RelationType(
                name="interacts_with",
                label="interacts with",
                domain=("Drug",),
                range=("Drug",),
                symmetric=True,
            ),
            RelationType(name="pays", label="pays", domain=("Party",), range=("Amount",)),
            RelationType(
                name="governed_by", label="governed by", domain=("Agreement",), range=("Jurisdiction",)
            ),
        ),
    )


@pytest.fixture(scope="session")
def test_schema() -> Schema:
    return make_schema()


@pytest.fixture(scope="session")
def resource_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("nlp")
    lexicon = folder / "test.lexicon.tsv"
    lexicon.write_text(LEXICON, encoding="utf-8")
    patterns = folder / "test.patterns.yaml"
    patterns.write_text(PATTERNS, encoding="utf-8")
    return lexicon, patterns


@pytest.fixture(scope="session")
def blank_pipeline(test_schema: Schema, resource_files: tuple[Path, Path]) -> ExtractionPipeline:
    lexicon, patterns = resource_files
    return build_pipeline(test_schema, patterns=patterns, lexicon=lexicon, model="blank")


def mention_view(facts: TextFacts) -> list[tuple[str, str, str, str]]:
    """(text, type, canonical, method) of every mention, for compact assertions."""
    return [(m.text, m.type, m.canonical, m.method) for m in facts.mentions]


def relation_view(facts: TextFacts) -> list[tuple[str, str, str, bool, bool, str]]:
    """(subject text, predicate, object text, negated, hedged, rule) of every relation."""
    return [
        (
            facts.mentions[r.subject].text,
            r.predicate,
            facts.mentions[r.object].text,
            r.negated,
            r.hedged,
            r.rule,
        )
        for r in facts.relations
    ]
