"""Every Cypher statement of the Neo4j store, checked by Neo4j's own parser without a server.

No Neo4j can run where the unit tests run, so ``tests/store/cypher/lint.mjs`` feeds each
statement from ``_cypher.all_statements(schema)`` to ``@neo4j-cypher/language-support``: Neo4j's
Cypher grammar plus the semantic analysis of its query front end, compiled to JavaScript. It
is told the labels, relationship types and property keys the schema allows, so a misspelt
property or a label from outside the schema is reported too. Only the "Parameter $x is not
defined." notices are ignored: parameters arrive from the driver at run time.

Semantic analysis costs a tenth of a second or more per statement, and a shipped ontology
gives a hundred per-type statements that differ only in backtick-quoted names. Such a name is
one token whatever its letters (``test_inlined_names_come_from_schema`` checks each is a plain
identifier from the schema), so statements are linted once per form (the text with quoted
names blanked out): the first statement met of each form is linted, with its own schema, and
the keyword schema comes first so that its awkward names are the ones Neo4j's parser sees.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kgsynth.model import IDENTIFIER, RESERVED_NAMES, EntityType, RelationType, Schema
from kgsynth.store import _cypher

CYPHER_DIR = Path(__file__).parent / "cypher"
LINTER = CYPHER_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
NPM_INSTALL = "npm install --prefix tests/store/cypher"

NODE_LABELS = frozenset({"Entity", "Document", "Chunk", "KgsynthMeta", "DocumentFacts"})
RELATIONSHIP_TYPES = RESERVED_NAMES - NODE_LABELS

_BACKTICKED = re.compile(r"`([^`]*)`")


def keyword_schema() -> Schema:
    """Type names that are Cypher keywords or look like them: quoting must keep them names."""
    return Schema(
        name="keywords",
        entity_types=(
            EntityType(name="Match"),
            EntityType(name="RETURN", parents=("Match",)),
            EntityType(name="end"),
            EntityType(name="_Order_2"),
        ),
        relation_types=(
            RelationType(name="in"),
            RelationType(name="WHERE"),
            RelationType(name="contains", domain=("Match",), range=("end",)),
        ),
    )


def shipped_schema(name: str) -> Callable[[], Schema]:
    def load() -> Schema:
        try:
            from kgsynth.ontology.load import load_ontology
        except ImportError as exc:
            pytest.skip(f"kgsynth.ontology.load is not importable ({exc})")
        return load_ontology(name)

    return load


SCHEMAS = {
    "keywords": keyword_schema,
    "legal": shipped_schema("legal"),
    "medical": shipped_schema("medical"),
}


@pytest.fixture(params=[*SCHEMAS, "fixture"])
def any_schema(request: pytest.FixtureRequest) -> Schema:
    """The conftest schema, one built here, and each shipped ontology."""
    if request.param == "fixture":
        return request.getfixturevalue("schema")
    return SCHEMAS[request.param]()


def db_schema(schema: Schema) -> dict[str, object]:
    """What the linter should take the database to hold, given ``schema``."""
    return {
        "labels": sorted(NODE_LABELS | {t.name for t in schema.entity_types}),
        "relationshipTypes": sorted(RELATIONSHIP_TYPES | {r.name for r in schema.relation_types}),
        "propertyKeys": list(_cypher.PROPERTY_KEYS),
    }


def form(cypher: str) -> str:
    """The statement with every backtick-quoted name blanked out."""
    return _BACKTICKED.sub("`_`", cypher)


def linter_command() -> list[str]:
    """How to run lint.mjs; skips (fails on CI) saying what to install when something is missing."""
    node = shutil.which("node")
    if node is not None and LINTER.is_dir():
        return [node, str(CYPHER_DIR / "lint.mjs")]
    missing = "node is not installed" if node is None else "the Cypher linter is not installed"
    reason = f"{missing}; install Node.js 20 or later, then run: {NPM_INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def lint(statements: list[tuple[str, str]], schema: Schema) -> list[dict[str, object]]:
    """Run lint.mjs once on ``statements``; the diagnostics that are not parameter notices."""
    items = [{"name": name, "cypher": cypher, "dbSchema": db_schema(schema)} for name, cypher in statements]
    done = subprocess.run(
        linter_command(),
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, f"lint.mjs failed:\n{done.stderr}"
    return [d for d in json.loads(done.stdout) if not d["parameter"]]


#: Form -> "<statement name> (<Cypher version>, line <n>): <severity>: <message>" for each problem.
_LINTED: dict[str, list[str]] = {}


def problems_by_form(statements: list[tuple[str, str]], schema: Schema) -> dict[str, list[str]]:
    """The linter's problems for the form of each statement, linting forms not met before."""
    unseen: dict[str, tuple[str, str]] = {}
    for name, cypher in statements:
        if form(cypher) not in _LINTED:
            unseen.setdefault(form(cypher), (name, cypher))
    if unseen:
        problems = lint(list(unseen.values()), schema)
        form_of = {name: key for key, (name, _) in unseen.items()}
        for key in unseen:
            _LINTED[key] = []
        for d in problems:
            _LINTED[form_of[str(d["name"])]].append(
                f"{d['name']} ({d['version']}, line {d['line']}): {d['severity']}: {d['message']}"
            )
    return {form(cypher): _LINTED[form(cypher)] for _, cypher in statements}


def test_cypher_statements_pass_neo4j_linter(any_schema: Schema) -> None:
    statements = _cypher.all_statements(any_schema)
    found = problems_by_form(statements, any_schema)
    assert [problem for problems in found.values() for problem in problems] == []


def test_all_statements_are_distinct(any_schema: Schema) -> None:
    statements = _cypher.all_statements(any_schema)
    names = [name for name, _ in statements]
    texts = [" ".join(cypher.split()) for _, cypher in statements]
    assert (len(set(names)), len(set(texts))) == (len(statements), len(statements))


def test_inlined_names_come_from_schema(any_schema: Schema) -> None:
    types = {t.name for t in any_schema.entity_types}
    relations = {r.name for r in any_schema.relation_types}
    allowed = (
        types
        | relations
        | {f"kgsynth_rel_{name}_id_unique" for name in relations}
        | {"kgsynth_entity_id", "kgsynth_document_source"}  # the sample drop statements
    )
    option_keys = {"fulltext.analyzer"}  # an index setting's name, fixed text, not a label or type
    inlined = {
        name for _, cypher in _cypher.all_statements(any_schema) for name in _BACKTICKED.findall(cypher)
    } - option_keys
    not_identifiers = {name for name in inlined if not re.fullmatch(IDENTIFIER, name)}
    assert (inlined - allowed, not_identifiers) == (set(), set())


def test_all_statements_include_every_constant(schema: Schema) -> None:
    texts = {cypher for _, cypher in _cypher.all_statements(schema)}
    statement = re.compile(r"\s*(MATCH|UNWIND|CREATE|CALL|MERGE)\b")
    constants = {
        name
        for name, value in vars(_cypher).items()
        if name.isupper() and isinstance(value, str) and statement.match(value)
    }
    assert {name for name in constants if getattr(_cypher, name) not in texts} == set()


BROKEN = {
    "syntax error": ("MATCH (e:Entity RETURN e", "Invalid input"),
    "undefined variable": ("MATCH (e:Entity) RETURN f.id AS id", "Variable `f` not defined"),
    "misspelt property": ("MATCH (e:Entity) RETURN e.nmae AS name", "nmae is not present in the database"),
    "label outside the schema": ("MATCH (e:Medication) RETURN e.id AS id", "Label Medication is not present"),
}


@pytest.fixture(scope="module")
def broken_diagnostics() -> dict[str, list[str]]:
    """The linter's messages for each deliberately broken statement (one node run for all)."""
    problems = lint([(name, cypher) for name, (cypher, _) in BROKEN.items()], keyword_schema())
    messages: dict[str, list[str]] = {name: [] for name in BROKEN}
    for d in problems:
        messages[str(d["name"])].append(str(d["message"]))
    return messages


@pytest.mark.parametrize("case", list(BROKEN))
def test_cypher_linter_reports_broken_statement(case: str, broken_diagnostics: dict[str, list[str]]) -> None:
    expected = BROKEN[case][1]
    assert [m for m in broken_diagnostics[case] if expected in m] != []


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)], ids=["ci", "local"]
)
def test_linter_command_without_linter_names_npm_command(
    ci: str | None, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "LINTER", tmp_path / "not-installed")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=re.escape(NPM_INSTALL)):
        linter_command()
