"""Config: file, environment and defaults resolve in order; mistakes name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgsynth.config import Config, render_config
from kgsynth.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kgsynth.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_defaults_when_no_file_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Config.load(environ={}).store.url == "kgsynth.db"


def test_config_file_value_is_read(tmp_path):
    path = write(tmp_path, '[store]\nurl = "graph.db"\n[ontology]\nsource = "legal"\n')
    config = Config.load(path, environ={})
    assert (config.store.url, config.ontology.source) == ("graph.db", "legal")


def test_config_environment_overrides_file(tmp_path):
    path = write(tmp_path, '[store]\nurl = "graph.db"\n')
    assert Config.load(path, environ={"KGSYNTH_STORE__URL": "env.db"}).store.url == "env.db"


def test_config_environment_never_supplies_secrets_through_sections(tmp_path):
    path = write(tmp_path, "[store]\n")
    with pytest.raises(ConfigError, match=r'unknown setting "store\.user2"'):
        Config.load(path, environ={"KGSYNTH_STORE__USER2": "x"})
    assert (
        "password" not in Config.load(path, environ={"KGSYNTH_STORE__PASSWORD": "s3cret"}).model_dump_json()
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[stor]\n", 'unknown setting "stor". Did you mean "store"?'),
        ('[store]\nurll = "x"\n', 'unknown setting "store.urll". Did you mean "store.url"?'),
        ("[store\n", "not valid TOML"),
    ],
)
def test_config_mistakes_name_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        Config.load(path, environ={})
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_config_missing_named_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match=r"config file not found\. Create one with: kgsynth init"):
        Config.load(tmp_path / "absent.toml", environ={})


def test_config_neo4j_shorthand_needs_the_uri_variable():
    config = Config.model_validate({"store": {"url": "neo4j"}})
    assert config.resolved_store_url({"KGSYNTH_NEO4J_URI": "bolt://db:7687"}) == "bolt://db:7687"
    with pytest.raises(ConfigError, match="KGSYNTH_NEO4J_URI is not set"):
        config.resolved_store_url({})


def test_config_digest_changes_with_settings_only():
    base = Config.model_validate({"store": {"url": "a.db"}})
    same = Config.model_validate({"store": {"url": "a.db"}, "path": "elsewhere.toml"})
    other = Config.model_validate({"store": {"url": "b.db"}})
    assert base.digest() == same.digest() != other.digest()


def test_config_render_round_trips_through_toml(tmp_path):
    config = Config.model_validate({"store": {"url": 'we"ird.db'}, "ontology": {"source": "legal"}})
    path = write(tmp_path, render_config(config))
    assert Config.load(path, environ={}).model_dump(exclude={"path"}) == config.model_dump(exclude={"path"})
