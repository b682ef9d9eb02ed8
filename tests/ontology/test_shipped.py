"""The shipped ontologies hold exactly the names of the ontology contract, with their flags and words."""

from __future__ import annotations

import pytest

from kgsynth.errors import OntologyError
from kgsynth.model import Schema
from kgsynth.ontology import check_ontology, load_ontology, shipped_ontologies

MEDICAL_CLASSES = ("BodyPart", "Chemical", "Disease", "Drug", "DrugClass", "Gene", "Procedure", "Symptom")
LEGAL_CLASSES = (
    "Agreement", "Amount", "Case", "Clause", "Court", "Date", "Jurisdiction", "Obligation",
    "Organization", "Party", "Person", "Statute",
)  # fmt: skip

# name: (domain, range, functional, symmetric, inverse_of), as in the ontology contract.
MEDICAL_RELATIONS = {
    "treats": (("Drug",), ("Disease", "Symptom"), False, False, "treated_by"),
    "treated_by": (("Disease", "Symptom"), ("Drug", "Procedure"), False, False, "treats"),
    "prevents": (("Drug",), ("Disease",), False, False, None),
    "causes": (("Chemical",), ("Disease", "Symptom"), False, False, None),
    "adverse_effect_of": (("Disease", "Symptom"), ("Drug",), False, False, None),
    "interacts_with": (("Drug", "DrugClass"), ("Drug", "DrugClass"), False, True, None),
    "contraindicated_for": (("Drug",), ("Disease",), False, False, None),
    "has_symptom": (("Disease",), ("Symptom",), False, False, None),
    "associated_with": (("Gene",), ("Disease",), False, False, None),
    "diagnosed_by": (("Disease",), ("Procedure",), False, False, None),
    "affects": (("Disease",), ("BodyPart",), False, False, None),
    "belongs_to_class": (("Drug",), ("DrugClass",), True, False, None),
}
LEGAL_RELATIONS = {
    "party_to": (("Party",), ("Agreement",), False, False, None),
    "governed_by": (("Agreement",), ("Jurisdiction",), True, False, None),
    "effective_date": (("Agreement",), ("Date",), True, False, None),
    "expiration_date": (("Agreement",), ("Date",), True, False, None),
    "has_clause": (("Agreement",), ("Clause",), False, False, None),
    "obliges": (("Agreement", "Clause"), ("Party",), False, False, None),
    "pays": (("Party",), ("Amount",), False, False, None),
    "terminates": (("Party",), ("Agreement",), False, False, None),
    "licenses": (("Party",), ("Party",), False, False, None),
    "cites": (("Agreement", "Case"), ("Statute",), False, False, None),
    "decided_by": (("Case",), ("Court",), True, False, None),
    "plaintiff_in": (("Party",), ("Case",), False, False, None),
    "defendant_in": (("Party",), ("Case",), False, False, None),
}
CONTRACT = {
    "medical": (MEDICAL_CLASSES, MEDICAL_RELATIONS),
    "legal": (LEGAL_CLASSES, LEGAL_RELATIONS),
}
RELATION_CASES = [
    (onto, name, spec) for onto, (_, relations) in CONTRACT.items() for name, spec in relations.items()
]


@pytest.fixture(scope="module")
def shipped() -> dict[str, Schema]:
    return {name: load_ontology(name) for name in CONTRACT}


def test_shipped_ontologies_lists_medical_and_legal():
    assert shipped_ontologies() == ("legal", "medical")


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_shipped_ontology_has_exactly_the_contract_classes(shipped, name):
    assert tuple(t.name for t in shipped[name].entity_types) == tuple(sorted(CONTRACT[name][0]))


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_shipped_ontology_has_exactly_the_contract_relations(shipped, name):
    assert tuple(r.name for r in shipped[name].relation_types) == tuple(sorted(CONTRACT[name][1]))


@pytest.mark.parametrize(("ontology", "relation", "spec"), RELATION_CASES)
def test_shipped_relation_matches_contract(shipped, ontology, relation, spec):
    found = shipped[ontology].relation_type(relation)
    assert (found.domain, found.range, found.functional, found.symmetric, found.inverse_of) == spec


@pytest.mark.parametrize(
    ("ontology", "child", "parents"),
    [
        ("medical", "Drug", ("Chemical",)),
        ("medical", "Chemical", ()),
        ("legal", "Person", ("Party",)),
        ("legal", "Organization", ("Party",)),
        ("legal", "Party", ()),
    ],
)
def test_shipped_class_has_contract_parents(shipped, ontology, child, parents):
    assert shipped[ontology].entity_type(child).parents == parents


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_shipped_ontology_has_label_description_and_synonyms_everywhere(shipped, name):
    schema = shipped[name]
    bare = [
        item.name
        for item in (*schema.entity_types, *schema.relation_types)
        if not (item.label and item.description and len(item.synonyms) >= 5)
    ]
    assert bare == []


@pytest.mark.parametrize(
    ("ontology", "relation", "phrases"),
    [
        ("medical", "treats", {"treat", "is indicated for", "used to treat", "therapy for"}),
        ("medical", "causes", {"induces", "induced", "leads to", "results in"}),
        ("medical", "treated_by", {"treated with"}),
        ("legal", "governed_by", {"governed by", "construed in accordance with", "laws of"}),
        ("legal", "party_to", {"a party to", "entered into"}),
    ],
)
def test_shipped_relation_has_lexicon_phrases(shipped, ontology, relation, phrases):
    found = shipped[ontology].relation_type(relation)
    assert phrases <= {found.label, *found.synonyms}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_shipped_ontology_has_no_check_problems(shipped, name):
    assert check_ontology(shipped[name]) == []


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_shipped_ontology_iri_is_kgsynth_namespace(shipped, name):
    assert shipped[name].iri == f"https://kgsynth.dev/ontology/{name}"


def test_load_ontology_unknown_shipped_name_lists_shipped_names():
    with pytest.raises(
        OntologyError, match=r'^"financial" is neither .* Shipped ontologies: legal, medical\.$'
    ):
        load_ontology("financial")
