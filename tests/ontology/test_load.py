"""load_ontology: OWL/RDFS constructs -> Schema, and one-line errors for files it cannot use."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kgsynth.errors import OntologyError
from kgsynth.model import RESERVED_NAMES, Schema
from kgsynth.ontology import load_ontology

FIXTURE_TTL = Path(__file__).resolve().parents[1] / "data" / "fixture.ttl"

RDF_XML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:owl="http://www.w3.org/2002/07/owl#">
  <owl:Class rdf:about="https://example.org/onto#Drug">
    <rdfs:label xml:lang="en">drug</rdfs:label>
    <rdfs:subClassOf rdf:resource="https://example.org/onto#Chemical"/>
  </owl:Class>
  <owl:Class rdf:about="https://example.org/onto#Chemical"/>
</rdf:RDF>
"""
TURTLE = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/onto#Drug> a owl:Class ; rdfs:label "drug"@en ;
    rdfs:subClassOf <https://example.org/onto#Chemical> .
<https://example.org/onto#Chemical> a owl:Class .
"""


def _shape(schema: Schema) -> tuple:
    """What the fixture ontology must share with the hand-built ``schema`` fixture."""
    return (
        tuple(sorted((t.name, t.parents) for t in schema.entity_types)),
        tuple(sorted((r.name, r.domain, r.range, r.functional, r.symmetric) for r in schema.relation_types)),
    )


# --------------------------------------------------------------------------- the fixture ontology


def test_load_ontology_fixture_matches_conftest_schema(schema):
    assert _shape(load_ontology(FIXTURE_TTL)) == _shape(schema)


def test_load_ontology_fixture_covers_conftest_synonyms(schema):
    loaded = load_ontology(FIXTURE_TTL)
    missing = [
        (t.name, word)
        for t in schema.entity_types
        for word in t.synonyms
        if word not in {loaded.entity_type(t.name).label, *loaded.entity_type(t.name).synonyms}
    ]
    assert missing == []


def test_load_ontology_names_schema_after_file_stem():
    assert load_ontology(FIXTURE_TTL).name == "fixture"


def test_load_ontology_is_deterministic():
    assert load_ontology(FIXTURE_TTL) == load_ontology(str(FIXTURE_TTL))


def test_load_ontology_logs_one_info_summary(caplog):
    with caplog.at_level(logging.INFO, logger="kgsynth.ontology"):
        load_ontology(FIXTURE_TTL)
    assert [r.getMessage() for r in caplog.records] == [
        "ontology fixture.ttl: 10 entity types, 6 relations; left out: nothing"
    ]


# --------------------------------------------------------------------------- mapping


def test_load_ontology_unfolds_union_domain(write_ontology):
    path = write_ontology(
        "ex:A a owl:Class . ex:B a owl:Class . ex:C a owl:Class .\n"
        "ex:p a owl:ObjectProperty ; rdfs:domain [ owl:unionOf ( ex:B ex:A ) ] ; rdfs:range ex:C .\n"
    )
    assert load_ontology(path).relation_type("p").domain == ("A", "B")


@pytest.mark.parametrize(
    "declaration",
    ["ex:p owl:inverseOf ex:q .", "ex:q owl:inverseOf ex:p ."],
    ids=["declared-on-p", "declared-on-q"],
)
def test_load_ontology_sets_inverse_on_both_properties(write_ontology, declaration):
    path = write_ontology(f"ex:p a owl:ObjectProperty . ex:q a owl:ObjectProperty . {declaration}\n")
    schema = load_ontology(path)
    assert (schema.relation_type("p").inverse_of, schema.relation_type("q").inverse_of) == ("q", "p")


@pytest.mark.parametrize(
    ("range_", "expected"),
    [
        ("ex:Missing", ()),  # a class the file does not declare
        ("[ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:A ]", ()),
        ("[ owl:unionOf ( ex:A ex:Missing ) ]", ()),
        ("owl:Thing", ()),
        ("[ owl:unionOf ( ex:A owl:Thing ) ]", ()),
        ("ex:A", ("A",)),
    ],
    ids=["undeclared", "restriction", "union-with-undeclared", "thing", "union-with-thing", "class"],
)
def test_load_ontology_reads_unresolvable_range_as_any(write_ontology, range_, expected):
    path = write_ontology(f"ex:A a owl:Class .\nex:p a owl:ObjectProperty ; rdfs:range {range_} .\n")
    assert load_ontology(path).relation_type("p").range == expected


def test_load_ontology_keeps_named_superclasses_only(write_ontology):
    path = write_ontology(
        "ex:A a owl:Class . ex:B a owl:Class .\n"
        "ex:C a owl:Class ; rdfs:subClassOf ex:A, ex:B, owl:Thing, ex:Undeclared,\n"
        "    [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:A ] .\n"
    )
    assert load_ontology(path).entity_type("C").parents == ("A", "B")


def test_load_ontology_counts_restrictions_in_summary(write_ontology, caplog):
    path = write_ontology(
        "ex:A a owl:Class .\n"
        "ex:C a owl:Class ;\n"
        "    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:A ] .\n"
    )
    with caplog.at_level(logging.INFO, logger="kgsynth.ontology"):
        load_ontology(path)
    assert "1 anonymous superclass (restriction or class expression)" in caplog.records[-1].getMessage()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ("owl:ObjectProperty", (False, False)),
        ("owl:ObjectProperty, owl:FunctionalProperty", (True, False)),
        ("owl:SymmetricProperty", (False, True)),
        ("owl:ObjectProperty, owl:FunctionalProperty, owl:SymmetricProperty", (True, True)),
    ],
)
def test_load_ontology_reads_property_flags(write_ontology, flags, expected):
    path = write_ontology(f"ex:p a {flags} .\n")
    relation = load_ontology(path).relation_type("p")
    assert (relation.functional, relation.symmetric) == expected


@pytest.mark.parametrize(
    ("declaration", "is_relation"),
    [
        ("ex:p a rdf:Property ; rdfs:range ex:A .", True),
        ("ex:p a rdf:Property ; rdfs:range xsd:string .", False),
        ("ex:p a owl:DatatypeProperty ; rdfs:range xsd:string .", False),
        ("ex:p a owl:AnnotationProperty .", False),
        ("ex:p a owl:FunctionalProperty ; rdfs:range ex:A .", True),
        ("ex:p a owl:TransitiveProperty .", True),
    ],
    ids=["rdf-property-class-range", "rdf-property-literal-range", "datatype", "annotation",
         "functional-class-range", "transitive"],
)  # fmt: skip
def test_load_ontology_takes_object_properties_only(write_ontology, declaration, is_relation):
    path = write_ontology(f"ex:A a owl:Class .\n{declaration}\n")
    assert load_ontology(path).has_relation("p") is is_relation


@pytest.mark.parametrize(
    "flag",
    ['"true"^^xsd:boolean', "true", '"true"'],
)
def test_load_ontology_skips_deprecated_classes(write_ontology, flag):
    path = write_ontology(f"ex:A a owl:Class .\nex:Old a owl:Class ; owl:deprecated {flag} .\n")
    assert [t.name for t in load_ontology(path).entity_types] == ["A"]


def test_load_ontology_skips_deprecated_properties(write_ontology):
    path = write_ontology("ex:A a owl:Class .\nex:p a owl:ObjectProperty ; owl:deprecated true .\n")
    assert load_ontology(path).relation_types == ()


def test_load_ontology_reads_rdfs_classes(write_ontology):
    path = write_ontology("ex:A a rdfs:Class .\nex:B a rdfs:Class ; rdfs:subClassOf ex:A .\n")
    assert load_ontology(path).entity_type("B").parents == ("A",)


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ('rdfs:label "Arzneimittel"@de, "drug"@en', "drug"),
        ('rdfs:label "a medication", "drug"@en', "drug"),  # untagged sorts first, English wins
        ('rdfs:label "drug"@en-GB', "drug"),
        ('skos:prefLabel "drug"', "drug"),
        ('rdfs:label "Medikament"@de', ""),
    ],
    ids=["english-over-german", "english-over-untagged", "english-region", "preflabel", "no-english"],
)
def test_load_ontology_picks_english_or_untagged_label(write_ontology, labels, expected):
    path = write_ontology(f"ex:Drug a owl:Class ; {labels} .\n")
    assert load_ontology(path).entity_type("Drug").label == expected


def test_load_ontology_collects_synonyms_from_all_synonym_properties(write_ontology):
    path = write_ontology(
        'ex:Drug a owl:Class ; rdfs:label "drug"@en, "medicament" ;\n'
        '    skos:altLabel "medication"@en, "Arzneimittel"@de, "Drug" ;\n'
        '    oboInOwl:hasExactSynonym "medicine" ; oboInOwl:hasRelatedSynonym "pharmaceutical"@en .\n'
    )
    assert load_ontology(path).entity_type("Drug").synonyms == (
        "medicament", "medication", "medicine", "pharmaceutical",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("descriptions", "expected"),
    [
        ('rdfs:comment "a comment"', "a comment"),
        ('rdfs:comment "a comment" ; skos:definition "a definition"', "a definition"),
        ('rdfs:comment "a comment" ; obo:IAO_0000115 "an IAO definition"', "an IAO definition"),
        ('rdfs:comment "ein Kommentar"@de', ""),
        ('rdfs:comment """spread\n   over   lines"""', "spread over lines"),
    ],
    ids=["comment", "definition-first", "iao-definition", "german-dropped", "whitespace"],
)
def test_load_ontology_reads_description(write_ontology, descriptions, expected):
    path = write_ontology(f"ex:Drug a owl:Class ; {descriptions} .\n")
    assert load_ontology(path).entity_type("Drug").description == expected


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("<https://example.org/onto#Drug>", "Drug"),
        ("<https://example.org/onto/Drug>", "Drug"),
        ("<http://purl.obolibrary.org/obo/DOID_0040001>", "DOID_0040001"),
        ("<https://example.org/onto#has-part>", "has_part"),
        ("<https://example.org/onto#Caf%C3%A9>", "Caf_C3_A9"),
        ("<https://example.org/onto#1stClass>", "_1stClass"),
        ("<urn:example:Drug>", "Drug"),
    ],
)
def test_load_ontology_names_class_by_sanitised_local_name(write_ontology, iri, expected):
    path = write_ontology(f"{iri} a owl:Class .\n")
    assert [(t.name, f"<{t.iri}>") for t in load_ontology(path).entity_types] == [(expected, iri)]


def test_load_ontology_makes_clashing_names_unique_and_keeps_iris(write_ontology):
    path = write_ontology("<https://a.org/x#Party> a owl:Class .\n<https://b.org/y#Party> a owl:Class .\n")
    names = {t.iri: t.name for t in load_ontology(path).entity_types}
    # The first IRI in sorted order keeps the plain name; the other gets an IRI-hash suffix.
    assert (names["https://a.org/x#Party"], names["https://b.org/y#Party"][:6]) == ("Party", "Party_")


@pytest.mark.parametrize("reserved", sorted(RESERVED_NAMES | {"Thing"}))
def test_load_ontology_renames_reserved_class_names(write_ontology, reserved):
    path = write_ontology(f"ex:{reserved} a owl:Class .\n")
    (entity_type,) = load_ontology(path).entity_types
    assert entity_type.name.startswith(f"{reserved}_") and entity_type.iri.endswith(f"#{reserved}")


@pytest.mark.parametrize("reserved", ["MENTIONS", "HAS_CHUNK"])
def test_load_ontology_renames_reserved_relation_names(write_ontology, reserved):
    path = write_ontology(f"ex:{reserved} a owl:ObjectProperty .\n")
    (relation,) = load_ontology(path).relation_types
    assert relation.name.startswith(f"{reserved}_") and relation.iri.endswith(f"#{reserved}")


def test_load_ontology_renamed_class_is_used_in_parents_and_domains(write_ontology):
    path = write_ontology(
        "ex:Document a owl:Class .\nex:Contract a owl:Class ; rdfs:subClassOf ex:Document .\n"
        "ex:p a owl:ObjectProperty ; rdfs:domain ex:Document .\n"
    )
    schema = load_ontology(path)
    renamed = next(t.name for t in schema.entity_types if t.iri.endswith("#Document"))
    assert (schema.entity_type("Contract").parents, schema.relation_type("p").domain) == (
        (renamed,),
        (renamed,),
    )


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("content", [RDF_XML, TURTLE], ids=["rdfxml", "turtle"])
@pytest.mark.parametrize("suffix", [".owl", ".rdf"])
def test_load_ontology_sniffs_rdfxml_or_turtle(tmp_path, content, suffix):
    path = tmp_path / f"onto{suffix}"
    path.write_text(content, encoding="utf-8")
    assert _shape(load_ontology(path)) == ((("Chemical", ()), ("Drug", ("Chemical",))), ())


@pytest.mark.parametrize(("content", "suffix"), [(RDF_XML, ".xml"), (TURTLE, ".ttl")], ids=["xml", "ttl"])
def test_load_ontology_guesses_format_from_extension(tmp_path, content, suffix):
    path = tmp_path / f"onto{suffix}"
    path.write_text(content, encoding="utf-8")
    assert _shape(load_ontology(path)) == ((("Chemical", ()), ("Drug", ("Chemical",))), ())


@pytest.mark.parametrize("format_", ["turtle", "ttl", "TURTLE"])
def test_load_ontology_explicit_format_overrides_extension(tmp_path, format_):
    path = tmp_path / "onto.xml"
    path.write_text(TURTLE, encoding="utf-8")
    assert load_ontology(path, format=format_).entity_type("Drug").label == "drug"


def test_load_ontology_rejects_unknown_format(tmp_path):
    path = tmp_path / "onto.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    with pytest.raises(OntologyError, match=r'^format "owlx" is not an RDF format kgsynth reads\. Formats: '):
        load_ontology(path, format="owlx")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("doid.obo", "format-version: 1.2\nontology: doid\n\n[Term]\nid: DOID:4\n"),
        ("doid.owl", "format-version: 1.2\nontology: doid\n"),
    ],
    ids=["by-extension", "by-content"],
)
def test_load_ontology_refuses_obo(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OntologyError, match=r"OBO flat-file format is not RDF.*Use the OWL version"):
        load_ontology(path)


def test_load_ontology_obo_error_names_owl_sibling(tmp_path):
    (tmp_path / "doid.owl").write_text(RDF_XML, encoding="utf-8")
    path = tmp_path / "doid.obo"
    path.write_text("format-version: 1.2\n", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"\(doid\.owl is next to it\)"):
        load_ontology(path)


@pytest.mark.parametrize(
    ("content", "syntax"),
    [
        (
            '<?xml version="1.0"?>\n<Ontology xmlns="http://www.w3.org/2002/07/owl#" ontologyIRI="x"/>\n',
            "OWL/XML",
        ),
        ("Prefix(:=<http://e/>)\nOntology(<http://e/>)\n", "the OWL functional or Manchester syntax"),
        ("Prefix: : <http://e/>\nOntology: <http://e/>\n", "the OWL functional or Manchester syntax"),
    ],
    ids=["owl-xml", "functional", "manchester"],
)
def test_load_ontology_refuses_syntaxes_rdflib_cannot_read(tmp_path, content, syntax):
    path = tmp_path / "onto.owl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OntologyError, match=f"the file is in {syntax}, which rdflib cannot read"):
        load_ontology(path)


# --------------------------------------------------------------------------- errors


def test_load_ontology_parse_error_names_file_and_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text(TURTLE.replace("<https://example.org/onto#Chemical> a owl:Class .", "ex:Chemical a ."))
    with pytest.raises(OntologyError) as caught:
        load_ontology(path)
    assert str(caught.value).startswith(f"{path}, line 5: not valid Turtle (") and str(caught.value).endswith(
        "). If the file is RDF/XML, pass --format xml."
    )


def test_load_ontology_rdfxml_parse_error_names_file_and_line(tmp_path):
    path = tmp_path / "broken.owl"
    path.write_text(RDF_XML.replace("</owl:Class>\n  <owl:Class", "</owl:Klass>\n  <owl:Class"))
    with pytest.raises(OntologyError) as caught:
        load_ontology(path)
    assert str(caught.value) == (
        f"{path}, line 8: not valid RDF/XML (mismatched tag). If the file is Turtle, pass --format turtle."
    )


@pytest.mark.parametrize(
    ("name", "content", "location"),
    [
        ("broken.jsonld", '{"@id": "http://e/a",\n "@type": "http://e/C",\n}\n', "broken.jsonld, line 3"),
        ("broken.nt", "<http://e/a> <http://e/p> .\n", "broken.nt"),
        ("broken.ttl", "\ufffe\x00garbage ::: .", "broken.ttl"),
    ],
)
def test_load_ontology_any_parse_failure_is_one_line_ontology_error(tmp_path, name, content, location):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OntologyError) as caught:
        load_ontology(path)
    assert str(caught.value).startswith(str(tmp_path / location)) and "\n" not in str(caught.value)


def test_load_ontology_missing_file_names_it(tmp_path):
    missing = tmp_path / "nowhere.ttl"
    with pytest.raises(
        OntologyError, match=rf'^ontology file "{missing}" does not exist\. Shipped ontologies'
    ):
        load_ontology(missing)


def test_load_ontology_missing_relative_path_is_not_taken_for_a_shipped_name():
    with pytest.raises(OntologyError, match=r'^ontology file "ontologies/nothing\.ttl" does not exist'):
        load_ontology("ontologies/nothing.ttl")


def test_load_ontology_directory_is_refused(tmp_path):
    with pytest.raises(OntologyError, match=r"is a directory; give the path of an ontology file in it\.$"):
        load_ontology(tmp_path)


def test_load_ontology_without_classes_or_properties_is_refused(write_ontology):
    path = write_ontology('ex:aspirin a ex:Drug ; rdfs:label "aspirin" .\n')
    with pytest.raises(
        OntologyError, match=r"no owl:Class, rdfs:Class or owl:ObjectProperty found \(2 triples"
    ):
        load_ontology(path)


def test_load_ontology_imports_only_module_says_to_load_the_modules(write_ontology):
    path = write_ontology(
        "<https://example.org/onto> a owl:Ontology ; owl:imports <https://example.org/a> .\n"
    )
    with pytest.raises(OntologyError, match=r"It only owl:imports 1 other modules, which are not followed"):
        load_ontology(path)


def test_ontology_reads_sub_property_of_a_property_and_of_an_inverse(write_ontology):
    path = write_ontology(
        "ex:p a owl:ObjectProperty . ex:q a owl:ObjectProperty . ex:r a owl:ObjectProperty .\n"
        "ex:p rdfs:subPropertyOf ex:q, [ owl:inverseOf ex:r ], ex:undeclared .\n"
    )
    relation = load_ontology(path).relation_type("p")
    assert (relation.implies, relation.implies_inverse) == (("q",), ("r",))


def test_shipped_medical_ontology_says_an_adverse_effect_is_caused_by_the_drug():
    relation = load_ontology("medical").relation_type("adverse_effect_of")
    assert relation.implies_inverse == ("causes",)
