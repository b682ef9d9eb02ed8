"""Meta-tests: every CLI command has help text and appears in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from kgsynth.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, str | None]]:
    found = []
    for info in group.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        found.append((prefix + name, info.help or info.callback.__doc__))
    for sub in group.registered_groups:
        found.extend(_commands(sub.typer_instance, prefix + sub.name + " "))
    return found


COMMANDS = _commands(app)


def test_docs_found_the_commands():
    assert len(COMMANDS) >= 3


@pytest.mark.parametrize(("name", "help_text"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_docs_every_command_has_help(name, help_text):
    assert help_text and help_text.strip(), f"kgsynth {name} has no help text"


@pytest.mark.parametrize(("name", "help_text"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_docs_every_command_is_in_readme(name, help_text):
    assert re.search(rf"kgsynth {re.escape(name)}\b", README), f"kgsynth {name} is not in README.md"


def test_docs_readme_shows_exactly_two_setup_commands():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(bash scripts/\S+\.sh)\s*$", setup, flags=re.M)
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
