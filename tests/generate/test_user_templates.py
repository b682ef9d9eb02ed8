"""User template packs: used when given, and every mistake in them named with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kgsynth.errors import ConfigError, TemplateError
from kgsynth.generate import SampleFactory, load_pack, templates_root
from tests.generate.test_factory import FIXTURES

MANIFEST = """\
pack: mypack
fallback: generic
templates:
  - id: treats.factoid.v1
    type: factoid
    pattern: "Drug -treats-> Disease"
"""


def write_pack(root: Path, template: str, manifest: str = MANIFEST) -> Path:
    (root / "en").mkdir(parents=True)
    (root / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (root / "en" / "treats.factoid.v1.j2").write_text(template, encoding="utf-8")
    return root


def make(pack: Path, type_name: str = "factoid", *names: str):
    fixture = FIXTURES["medical"]
    factory = SampleFactory(fixture.graph, templates_dir=pack)
    return factory.make(fixture.chain(*(names or ("metformin", "diabetes"))), type_name)


def test_user_pack_template_is_used_for_its_pattern(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}What does {{ known }} cure?{% endblock %}")
    sample = make(pack)
    assert sample is not None
    assert (sample.question, sample.made_by) == (
        "What does metformin cure?",
        "template:mypack/treats.factoid.v1",
    )


def test_user_pack_falls_back_to_generic_for_other_types(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}Q{% endblock %}")
    sample = make(pack, "yesno")
    assert sample is not None
    assert sample.made_by == "template:generic/yesno.v2"


def test_user_pack_is_also_accepted_as_pack_path(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}Q{% endblock %}")
    assert SampleFactory(FIXTURES["medical"].graph, pack=str(pack)).pack == "mypack"


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}\nWhat does {{ known }\n{% endblock %}")
    with pytest.raises(TemplateError, match=r"treats\.factoid\.v1\.j2, line 2: template syntax error"):
        make(pack)


def test_undefined_variable_names_file_line_and_variable(tmp_path: Path) -> None:
    template = "{% block question %}\nWhat does {{ known }}\ntreat for {{ patient }}?\n{% endblock %}"
    pack = write_pack(tmp_path / "mypack", template)
    with pytest.raises(TemplateError) as raised:
        make(pack)
    message = str(raised.value)
    assert re.search(
        r"mypack/en/treats\.factoid\.v1\.j2, line 3 \(block question\): 'patient' is undefined", message
    )
    assert "Variables available here: " in message and "known" in message


def test_undefined_attribute_names_the_attribute(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}{{ known.dosage }}{% endblock %}")
    with pytest.raises(TemplateError, match=r"line 1 \(block question\): .*has no attribute 'dosage'"):
        make(pack)


def test_sandbox_refuses_private_attributes(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}{{ known.__class__.__mro__ }}{% endblock %}")
    with pytest.raises(TemplateError, match=r"treats\.factoid\.v1\.j2, line 1"):
        make(pack)


def test_template_without_question_block_is_an_error(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "mypack", "What does {{ known }} treat?")
    with pytest.raises(TemplateError, match=r"has no \{% block question %\}"):
        make(pack)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (
            MANIFEST.replace("pattern:", "patern:"),
            r"manifest\.yaml, line 6: templates\.0\.patern: Extra inputs",
        ),
        (
            MANIFEST.replace("factoid.v1\n", "factoid\n"),
            r"line 4: templates\.0\.id: .*must look like <name>\.v<N>",
        ),
        (MANIFEST.replace("type: factoid", "type: essay"), r"line 5: templates\.0\.type: Input should be"),
        (
            MANIFEST.replace('"Drug -treats-> Disease"', '"Drug treats Disease"'),
            r"is not an arrow like -treats->",
        ),
        (MANIFEST.replace("templates:\n", "templates: [\n"), r"manifest\.yaml, line \d+: not valid YAML"),
    ],
)
def test_manifest_mistakes_name_file_and_line(tmp_path: Path, manifest: str, message: str) -> None:
    pack = write_pack(tmp_path / "mypack", "{% block question %}Q{% endblock %}", manifest)
    with pytest.raises(TemplateError, match=message):
        load_pack(pack)


def test_manifest_entry_without_a_file_is_an_error(tmp_path: Path) -> None:
    manifest = MANIFEST + "  - id: missing.factoid.v1\n    type: factoid\n"
    pack = write_pack(tmp_path / "mypack", "{% block question %}Q{% endblock %}", manifest)
    with pytest.raises(TemplateError, match=r"template missing\.factoid\.v1 has no file"):
        load_pack(pack)


def test_folder_without_manifest_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"has no manifest\.yaml"):
        load_pack(tmp_path)


def test_templates_root_holds_the_shipped_packs() -> None:
    root = templates_root()
    assert sorted(p.name for p in root.iterdir() if (p / "manifest.yaml").is_file()) == [
        "generic",
        "legal",
        "medical",
    ]
