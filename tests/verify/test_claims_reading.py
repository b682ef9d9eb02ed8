"""How the claim reader follows a text: the topic a pronoun continues, kind nouns, look-alike relations."""

from __future__ import annotations

import pytest

from kgsynth.model import EntityType, RelationType, Schema
from kgsynth.nlp.facts import TextFacts
from kgsynth.verify import Checker, check
from tests.verify.conftest import found_mention, thing_graph

SCHEMA = Schema(
    name="people",
    entity_types=(EntityType(name="Thing"),),
    relation_types=(
        RelationType(name="awards"),
        RelationType(name="deathPlace"),
        RelationType(name="backupPilot", label="backup pilot"),
        RelationType(name="mission"),
        RelationType(name="fullname"),
        RelationType(name="fullName"),
        RelationType(name="city"),
        RelationType(name="campus"),
        RelationType(name="location"),
        RelationType(name="author"),
        RelationType(name="mediaType", label="media type"),
        RelationType(name="nationality"),
        RelationType(name="ethnicGroup", label="ethnic group"),
        RelationType(name="country"),
        RelationType(name="followedBy", label="followed by"),
        RelationType(name="publisher"),
    ),
)
NAMES = {
    "shepard": "Alan Shepard",
    "medal": "Distinguished Service Medal",
    "california": "California",
    "anders": "William Anders",
    "apollo": "Apollo 11",
    "club": "Gubbio",
    "long": "Associazione Sportiva Gubbio",
    "institute": "Acharya Institute",
    "bangalore": "Bangalore",
    "road": "Soldevanahalli Road",
    "book": "The Ram Rebellion",
    "flint": "Eric Flint",
    "cover": "Hardcover",
    "usa": "United States",
    "ireland": "Ireland",
    "white": "White people",
    "novel": "A Long Long Way",
    "sequel": "The Secret Scripture",
    "faber": "Faber and Faber",
    "dimitra": "Dimitra Efxeinoupolis",
}
FACTS = (
    ("shepard", "awards", "medal"),
    ("shepard", "deathPlace", "california"),
    ("apollo", "backupPilot", "anders"),
    ("club", "fullname", "long"),
    ("institute", "city", "bangalore"),
    ("institute", "campus", "road"),
    ("book", "author", "flint"),
    ("book", "mediaType", "cover"),
    ("shepard", "nationality", "usa"),
    ("ireland", "ethnicGroup", "white"),
    ("novel", "country", "ireland"),
    ("novel", "followedBy", "sequel"),
    ("sequel", "publisher", "faber"),
    ("dimitra", "fullname", "dimitra"),
)


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    with thing_graph(tmp_path_factory.mktemp("people"), SCHEMA, NAMES, FACTS) as graph:
        yield graph


@pytest.mark.parametrize(
    "text",
    [
        # "He" of the second sentence stands for "He" of the first, Alan Shepard, not the Medal.
        "Alan Shepard grew up in Derry. He was awarded the Distinguished Service Medal. "
        "He died in California.",
        # "mission" says what Apollo 11 is, not a crew's mission.
        "William Anders was a backup pilot on the Apollo 11 mission.",
        # fullName's "full" is explained by the claim of fullname: a text cannot tell them apart.
        "The full name of Gubbio is Associazione Sportiva Gubbio.",
        # "The campus" stands for the institute and speaks of its campus, though "located" stands between.
        "Acharya Institute is a college in Bangalore. The campus is located in Soldevanahalli Road.",
        # Hardcover is said of the book of the sentence before: the graph and "media type" tell.
        "The Ram Rebellion was written by Eric Flint and sold well. The media type was Hardcover.",
        # "It" is the novel the graph follows by The Secret Scripture, not Ireland, the topic.
        "Ireland, where White people are an ethnic group, is where A Long Long Way comes from. "
        "It was followed by The Secret Scripture, which is published by Faber and Faber.",
        # A fact may link an entity to itself.
        "The full name of Dimitra Efxeinoupolis is Dimitra Efxeinoupolis.",
    ],
)
def test_claims_reading_supports_a_text_read_in_full(people, text):
    store, pipeline, _ = people
    [result] = check([text], store, pipeline=pipeline)
    assert result.status == "supported", result.reason


def test_claims_reading_a_kind_noun_with_no_name_after_it_is_still_a_relation_word(people):
    store, pipeline, _ = people
    # "mission" stands alone here: it says something of William Anders no claim reads.
    [result] = check(
        ["William Anders was a backup pilot on Apollo 11 and flew a mission."], store, pipeline=pipeline
    )
    assert result.status == "not_fully_supported"
    assert '"mission"' in result.reason


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("Alan Shepard is an American national.", [("Alan Shepard", "nationality", "American")]),
        ("Alan Shepard was an American test pilot.", []),  # "American" only says what kind of pilot
    ],
)
def test_claims_reading_a_demonym_before_a_common_noun_is_no_claim_about_the_place(people, text, claims):
    store, pipeline, _ = people
    facts = TextFacts(
        text=text,
        mentions=(found_mention("Alan Shepard", text), found_mention("American", text, method="ner:NORP")),
        sentences=((0, len(text)),),
    )
    read = Checker(store, SCHEMA, pipeline).reader.read(facts)
    assert [(c.subject.text, c.predicate, c.object.text) for c in read.claims] == claims
