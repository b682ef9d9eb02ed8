"""What the CLI says (issue 11): exact lines and exit codes of errors, warnings, help and summaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgsynth.cli import app
from kgsynth.store import open_store

GOOD = "Warfarin is used to prevent stroke. Aspirin interacts with warfarin."
BROKEN_TURTLE = """@prefix ex: <https://example.org/onto#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Drug a owl:Class
ex:Disease a owl:Class .
"""
NO_CLASSES = """@prefix ex: <https://example.org/onto#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:treats a owl:ObjectProperty .
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


def lines(output: str) -> list[str]:
    return output.strip().splitlines()


# --------------------------------------------------------------------------- ontology messages


def build_with_ontology(runner: CliRunner, doc: Path, onto: Path, text: str):
    """``kgsynth build DOC --ontology ONTO`` with ``text`` written to ``onto``; the store is beside it."""
    onto.write_text(text, encoding="utf-8")
    store = str(onto.parent / "kg.db")
    return runner.invoke(app, ["build", str(doc), "--ontology", str(onto), "--store", store])


def test_build_ontology_parse_error_does_not_advise_a_missing_option(runner, tmp_path, doc):
    onto = tmp_path / "broken.ttl"
    result = build_with_ontology(runner, doc, onto, BROKEN_TURTLE)
    assert result.exit_code == 1
    last = lines(result.output)[-1]
    assert last.startswith(f"Error: {onto}, line 4: not valid Turtle (") and last.endswith(").")
    assert "--format" not in result.output
    assert not (tmp_path / "kg.db").exists()


def test_ontology_check_parse_error_still_names_its_format_option(runner, tmp_path):
    onto = tmp_path / "broken.ttl"
    onto.write_text(BROKEN_TURTLE, encoding="utf-8")
    result = runner.invoke(app, ["ontology", "check", str(onto)])
    assert result.exit_code == 1
    assert lines(result.output)[-1].endswith("). If the file is RDF/XML, pass --format xml.")


def test_build_refuses_an_ontology_without_classes(runner, tmp_path, doc):
    onto = tmp_path / "noclass.ttl"
    result = build_with_ontology(runner, doc, onto, NO_CLASSES)
    assert result.exit_code == 1
    assert lines(result.output) == [
        f"Error: ontology {onto} declares no classes (owl:Class or rdfs:Class), only relations (treats), "
        "so no entity could be typed. Declare its classes, or use a shipped ontology (legal, medical)."
    ]
    assert not (tmp_path / "kg.db").exists()


# --------------------------------------------------------------------------- config messages


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "KGSYNTH_STORE__URLL",
            "other.db",
            'Error: environment variable KGSYNTH_STORE__URLL: unknown setting "store.urll". '
            "Did you mean KGSYNTH_STORE__URL?",
        ),
        (
            "KGSYNTH_STOR__URL",
            "other.db",
            'Error: environment variable KGSYNTH_STOR__URL: unknown setting "stor". '
            "Did you mean KGSYNTH_STORE__URL?",
        ),
        (
            "KGSYNTH_STORE__TIMEOUT",
            "soon",
            'Error: environment variable KGSYNTH_STORE__TIMEOUT: setting "store.timeout": Input should be',
        ),
    ],
)
def test_env_var_mistake_is_blamed_on_the_variable_not_the_file(
    runner, tmp_path, monkeypatch, variable, value, expected
):
    monkeypatch.chdir(tmp_path)
    Path("kgsynth.toml").write_text('[store]\nurl = "kg.db"\n', encoding="utf-8")
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 1
    assert len(lines(result.output)) == 1
    assert lines(result.output)[0].startswith(expected)


def test_init_refuses_an_unknown_ontology_name(runner, tmp_path):
    path = tmp_path / "kgsynth.toml"
    result = runner.invoke(app, ["init", "--ontology", "nosuch", "--path", str(path)])
    assert result.exit_code == 1
    assert lines(result.output) == [
        'Error: "nosuch" is neither an ontology file nor a shipped ontology. '
        "Shipped ontologies: legal, medical."
    ]
    assert not path.exists()


def test_init_refuses_a_missing_ontology_file(runner, tmp_path):
    path = tmp_path / "kgsynth.toml"
    missing = tmp_path / "onto.ttl"
    result = runner.invoke(app, ["init", "--ontology", str(missing), "--path", str(path)])
    assert result.exit_code == 1
    assert lines(result.output) == [
        f'Error: ontology file "{missing}" does not exist. '
        "Shipped ontologies, loadable by name: legal, medical."
    ]
    assert not path.exists()


# --------------------------------------------------------------------------- import messages


def test_import_outside_the_ontology_says_how_to_import_without_it(runner, tmp_path):
    data = tmp_path / "graph.ttl"
    data.write_text(
        "@prefix ex: <https://example.org/kg/> .\n@prefix exo: <https://example.org/onto#> .\n"
        "ex:rocket a exo:Spacecraft .\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "kg.db")
    result = runner.invoke(app, ["import", str(data), "--ontology", "medical", "--store", store])
    assert result.exit_code == 1
    assert lines(result.output)[-1].endswith(
        "Add it to the ontology, or import without an ontology (--derive-types) to derive types "
        "from the file."
    )


# --------------------------------------------------------------------------- help


COMMANDS = ["build", "generate", "check", "import", "export", "stats", "init", "remove"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_type_names(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    for python_type in ("<bool>", "<list[Path]>", "<str>", "<int", "<float", "<path>"):
        assert python_type not in result.output


def test_build_help_names_its_argument_and_flags_plainly(runner):
    result = runner.invoke(app, ["build", "--help"])
    assert lines(result.output)[0] == "Usage: kgsynth build [OPTIONS] PATH..."
    assert "  PATH...  Files or folders of .txt, .md, .html, .jsonl, .pdf or PubTator." in result.output
    assert "  --strict " in result.output
    assert "  -w, --workers INTEGER " in result.output


def test_help_shows_bracketed_config_names_literally(runner):
    result = runner.invoke(app, ["build", "--help"])
    assert "[ontology] source of" in " ".join(result.output.split())


# --------------------------------------------------------------------------- warnings and -q


def test_warnings_print_as_warning_lines(runner, tmp_path, doc, monkeypatch):
    from kgsynth.nlp import language

    monkeypatch.setattr(language, "_warned", False)  # the blank-pipeline warning comes once a process
    args = ["build", str(doc), "--ontology", "medical", "--model", "blank", "-s", str(tmp_path / "kg.db")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    blank = "Warning: extraction runs on a blank English pipeline"
    assert any(line.startswith(blank) for line in lines(result.output))
    assert "WARNING" not in result.output


def test_quiet_keeps_the_one_summary_line_of_build(runner, tmp_path, doc):
    store = str(tmp_path / "kg.db")
    args = ["-q", "build", str(doc), "--ontology", "medical", "--model", "blank", "--store", store]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert next(line for line in lines(result.output) if line.startswith("build: ")).startswith(
        "build: 1 documents built, 0 unchanged, "
    )
    assert "docs/s 0:00" not in result.output  # no progress bar


def test_quiet_keeps_the_one_summary_line_of_export(runner, tmp_path, small_batch, schema):
    db = str(tmp_path / "kg.db")
    with open_store(db) as store:
        store.ensure_schema(schema)
        store.write(small_batch)
    out = str(tmp_path / "x.nt")
    result = runner.invoke(app, ["-q", "export", "--format", "ntriples", "--store", db, "-o", out])
    assert result.exit_code == 0, result.output
    assert len(lines(result.output)) == 1
    assert lines(result.output)[0].startswith("export (ntriples): 2 entities, 1 relations, ")


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["generate", "--n", "0", "-o", "x.jsonl"], "Error: Invalid value for '--n': "),
        (["generate", "--n", "1"], "Error: Missing option '--output'"),
        (["nosuch"], "Error: No such command 'nosuch'"),
        (["stats", "--bogus"], "Error: No such option: --bogus"),
    ],
)
def test_usage_error_is_one_error_line_with_exit_code_2(runner, args, start):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert len(lines(result.output)) == 1, result.output
    assert lines(result.output)[0].startswith(start)
