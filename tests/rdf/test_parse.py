"""Reading RDF files: format detection, and errors that name the file and line."""

from __future__ import annotations

import pytest

from kgsynth.errors import InputError
from kgsynth.rdf.parse import canonical_format, detect_format, parse_rdf

RDF_XML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="https://example.org/kg/">
  <rdf:Description rdf:about="https://example.org/kg/a">
    <ex:knows rdf:resource="https://example.org/kg/b"/>
  </rdf:Description>
</rdf:RDF>
"""
TURTLE = "<https://example.org/kg/a> <https://example.org/kg/knows> <https://example.org/kg/b> .\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("g.ttl", "turtle"),
        ("g.nt", "ntriples"),
        ("g.n3", "n3"),
        ("g.jsonld", "json-ld"),
        ("g.jsonl", "jsonl"),
    ],
)
def test_detect_format_reads_the_extension(tmp_path, name, expected):
    assert detect_format(tmp_path / name) == expected


@pytest.mark.parametrize("name", ["g.owl", "g.rdf", "g.xml"])
@pytest.mark.parametrize(("body", "expected"), [(RDF_XML, "xml"), (TURTLE, "turtle")])
def test_detect_format_sniffs_owl_and_rdf_files(write_rdf, name, body, expected):
    assert detect_format(write_rdf(body, name)) == expected


def test_detect_format_refuses_owl_functional_syntax_with_advice(write_rdf):
    path = write_rdf("Prefix(:=<https://example.org/onto#>)\nOntology(<https://example.org/onto>)\n", "o.owl")
    with pytest.raises(
        InputError, match=r"o\.owl: OWL functional syntax is not supported\. Save the ontology"
    ):
        detect_format(path)


def test_detect_format_asks_for_format_when_the_extension_is_unknown(tmp_path):
    with pytest.raises(
        InputError, match=r'g\.dat: cannot tell the RDF format from the extension "\.dat"\. Pass --format'
    ):
        detect_format(tmp_path / "g.dat")


@pytest.mark.parametrize(("given", "expected"), [("ttl", "turtle"), ("NT", "ntriples"), ("rdfxml", "xml")])
def test_detect_format_prefers_the_given_format(tmp_path, given, expected):
    assert detect_format(tmp_path / "g.ttl", given) == expected


def test_canonical_format_lists_the_valid_formats():
    with pytest.raises(
        InputError, match=r'unknown RDF format "yaml"\. Formats: json-ld, jsonl, n3, ntriples, turtle, xml\.'
    ):
        canonical_format("yaml")


@pytest.mark.parametrize(
    ("name", "fmt", "body", "message"),
    [
        (
            "bad.ttl",
            "turtle",
            "<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n"
            '<https://e.org/a> <https://e.org/b> "x\n',
            r"bad\.ttl, line 2: not valid Turtle \(newline found in string literal\)",
        ),
        (
            "bad.nt",
            "ntriples",
            "<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n\n"
            "<https://e.org/a> <https://e.org/b> oops .\n",
            r"bad\.nt, line 3: not valid N-Triples \(Invalid line: oops \.\)",
        ),
        (
            "bad.rdf",
            "xml",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="https://e.org/a">\n</rdf:RDF>\n',
            r"bad\.rdf, line 4: not valid RDF/XML \(mismatched tag\)",
        ),
    ],
)
def test_parse_rdf_names_file_and_line_of_a_syntax_error(tmp_path, name, fmt, body, message):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        parse_rdf(path, fmt)


def test_parse_rdf_hints_at_the_other_formats(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(RDF_XML, encoding="utf-8")
    with pytest.raises(
        InputError, match=r"pass --format if the file is in another RDF syntax \(json-ld, n3, ntriples, xml\)"
    ):
        parse_rdf(path, "turtle")


def test_parse_rdf_refuses_a_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.ttl: no such file\."):
        parse_rdf(tmp_path / "nope.ttl", "turtle")


def test_parse_rdf_refuses_a_directory(tmp_path):
    (tmp_path / "dir.ttl").mkdir()
    with pytest.raises(InputError, match=r"dir\.ttl: not a file\."):
        parse_rdf(tmp_path / "dir.ttl", "turtle")


def test_parse_rdf_refuses_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.nt"
    path.write_bytes('<https://e.org/a> <https://e.org/b> "caf\u00e9" .\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.nt: not UTF-8 text"):
        parse_rdf(path, "ntriples")


def test_parse_rdf_reads_rdf_xml(write_rdf):
    graph = parse_rdf(write_rdf(RDF_XML, "g.rdf"), "xml")
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == {
        ("https://example.org/kg/a", "https://example.org/kg/knows", "https://example.org/kg/b")
    }
