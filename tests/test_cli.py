"""CLI: exit codes and exact output of the project-level commands; one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgsynth.cli import app
from kgsynth.model import GraphBatch
from kgsynth.store import open_store


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_help_lists_every_command_with_one_line(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "stats", "config"):
        assert command in result.output


def test_cli_init_writes_a_config_naming_store_and_ontology(runner, tmp_path):
    path = tmp_path / "kgsynth.toml"
    result = runner.invoke(app, ["init", "--store", "graph.db", "--ontology", "legal", "--path", str(path)])
    assert result.exit_code == 0
    text = path.read_text()
    assert 'url = "graph.db"' in text
    assert 'source = "legal"' in text


def test_cli_init_refuses_to_overwrite_without_force(runner, tmp_path):
    path = tmp_path / "kgsynth.toml"
    path.write_text("# mine\n")
    result = runner.invoke(app, ["init", "--path", str(path)])
    assert result.exit_code == 1
    assert (
        result.output.strip().splitlines()[-1]
        == f"Error: {path} already exists. Pass --force to overwrite it."
    )
    assert path.read_text() == "# mine\n"


def test_cli_stats_counts_types_relations_and_orphans(runner, tmp_path, small_batch, schema):
    db = str(tmp_path / "kg.db")
    with open_store(db) as store:
        store.ensure_schema(schema)
        orphan = small_batch.entities[0].model_copy(update={"id": "Drug:ibuprofen", "name": "ibuprofen"})
        store.write(GraphBatch(entities=(*small_batch.entities, orphan), relations=small_batch.relations))
    result = runner.invoke(app, ["stats", "--store", db])
    assert result.exit_code == 0
    assert "entities   3  (1 with no relation)" in result.output
    assert "relations  1  (1 pieces of evidence)" in result.output
    assert "  Drug     2" in result.output
    assert "  treats  1" in result.output


def test_cli_stats_json_is_machine_readable(runner, tmp_path, small_batch, schema):
    import json

    db = str(tmp_path / "kg.db")
    with open_store(db) as store:
        store.ensure_schema(schema)
        store.write(small_batch)
    result = runner.invoke(app, ["stats", "--store", db, "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["entities"], data["relations"], data["relations_by_predicate"]) == (2, 1, {"treats": 1})


def test_cli_bad_config_key_is_one_line_error(runner, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[store]\nurll = "x"\n')
    result = runner.invoke(app, ["--config", str(config), "stats"])
    assert result.exit_code == 1
    assert (
        result.output.strip() == f'Error: {config}: unknown setting "store.urll". Did you mean "store.url"?'
    )


def test_cli_store_uses_config_file_when_no_flag(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("kgsynth.toml").write_text('[store]\nurl = "from-config.db"\n')
    open_store("from-config.db").close()
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "store      from-config.db"


@pytest.mark.parametrize(("options", "shown"), [((), False), (("-v",), True)])
def test_cli_hides_the_neo4j_drivers_own_error_lines_unless_verbose(runner, tmp_path, options, shown):
    # the driver logs a lost connection as an ERROR; the store already reports it as one line
    import logging

    runner.invoke(app, [*options, "stats", "--store", str(tmp_path / "none.db")])
    assert logging.getLogger("neo4j.io").isEnabledFor(logging.ERROR) is shown
