"""Sub-properties (issue 11 part A): "Atorvastatin has the adverse effect myalgia" is read as
``causes``, and the graph states it as ``myalgia -adverse_effect_of-> atorvastatin``. The medical
ontology declares ``adverse_effect_of rdfs:subPropertyOf [owl:inverseOf causes]``; before that
declaration was read, such claims came out ``not_in_graph``.
"""

from __future__ import annotations

import pytest

from kgsynth.model import Entity, GraphBatch, RelationType
from kgsynth.store import open_store
from kgsynth.verify.factcheck import FactChecker
from tests.verify.conftest import SCHEMA, claim, fact, mention

ADVERSE = RelationType(
    name="adverse_effect_of",
    label="adverse effect of",
    domain=("Disease", "Symptom"),
    range=("Drug",),
    implies_inverse=("causes",),
)
SUB_SCHEMA = SCHEMA.model_copy(update={"relation_types": (*SCHEMA.relation_types, ADVERSE)})

STATIN = mention("atorvastatin", "Drug:atorvastatin", 0)
MYALGIA = mention("myalgia", "Symptom:myalgia", 20)
RASH = mention("rash", "Symptom:rash", 20)


@pytest.fixture
def checker(tmp_path) -> FactChecker:
    entities = (
        Entity.make("Drug", "atorvastatin"),
        Entity.make("Symptom", "myalgia"),
        Entity.make("Symptom", "rash"),
        Entity.make("Disease", "rhabdomyolysis"),
    )
    relations = (
        fact("Symptom:myalgia", "adverse_effect_of", "Drug:atorvastatin"),
        fact("Symptom:rash", "adverse_effect_of", "Drug:atorvastatin", negated=True),
        fact("Drug:atorvastatin", "causes", "Disease:rhabdomyolysis"),
    )
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(SUB_SCHEMA)
        store.write(GraphBatch(entities=entities, relations=relations))
        yield FactChecker(store, SUB_SCHEMA)


def test_a_sub_property_fact_supports_its_super_property_claim(checker):
    verdict = checker.verify(claim(STATIN, "causes", MYALGIA))
    assert verdict.status == "supported"
    assert [(r.subject, r.predicate) for r in verdict.evidence] == [("Symptom:myalgia", "adverse_effect_of")]
    assert verdict.reason == "held as adverse_effect_of, which implies causes"


def test_a_sub_property_fact_contradicts_the_denial_of_its_super_property(checker):
    verdict = checker.verify(claim(STATIN, "causes", MYALGIA, negated=True))
    assert verdict.status == "contradicted"


def test_entailment_runs_one_way_only(checker):
    # the graph says atorvastatin causes rhabdomyolysis: that does not make it an adverse effect
    rhabdo = mention("rhabdomyolysis", "Disease:rhabdomyolysis", 20)
    assert checker.verify(claim(STATIN, "causes", rhabdo)).status == "supported"
    assert checker.verify(claim(rhabdo, "adverse_effect_of", STATIN)).status == "not_in_graph"


def test_a_denied_sub_property_does_not_deny_the_super_property(checker):
    # "rash is not an adverse effect of atorvastatin" says nothing of whether it causes rash
    assert checker.verify(claim(STATIN, "causes", RASH)).status == "not_in_graph"
    assert checker.verify(claim(RASH, "adverse_effect_of", STATIN)).status == "contradicted"


def test_query_neighbours_include_sub_properties(checker):
    assert checker.predicates_for("causes") == ["adverse_effect_of", "causes"]
    assert checker.predicates_for("adverse_effect_of") == ["adverse_effect_of"]


def test_a_sub_property_fact_counts_only_between_entities_the_relation_fits(tmp_path):
    # both directions declared, as in the shipped medical ontology
    causes = next(r for r in SCHEMA.relation_types if r.name == "causes")
    schema = SCHEMA.model_copy(
        update={
            "relation_types": (
                *(r for r in SCHEMA.relation_types if r.name != "causes"),
                causes.model_copy(update={"implies_inverse": ("adverse_effect_of",)}),
                ADVERSE,
            )
        }
    )
    entities = (
        Entity.make("Drug", "methotrexate"),
        Entity.make("Chemical", "benzene"),
        Entity.make("Disease", "hepatotoxicity"),
        Entity.make("Disease", "leukemia"),
    )
    relations = (
        fact("Drug:methotrexate", "causes", "Disease:hepatotoxicity"),
        fact("Chemical:benzene", "causes", "Disease:leukemia"),
    )
    with open_store(str(tmp_path / "kg.db")) as store:
        store.ensure_schema(schema)
        store.write(GraphBatch(entities=entities, relations=relations))
        checker = FactChecker(store, schema)
        drug, liver = (
            mention("methotrexate", "Drug:methotrexate"),
            mention("hepatotoxicity", "Disease:hepatotoxicity"),
        )
        chemical, leukemia = mention("benzene", "Chemical:benzene"), mention("leukemia", "Disease:leukemia")
        assert checker.verify(claim(liver, "adverse_effect_of", drug)).status == "supported"
        # adverse_effect_of's range is Drug: a chemical's effects are no adverse effects of a drug
        assert checker.verify(claim(leukemia, "adverse_effect_of", chemical)).status != "supported"
