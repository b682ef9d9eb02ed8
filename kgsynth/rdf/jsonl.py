"""kgsynth's own lossless dump: one JSON object per line, ``{"kind": ..., **model_dump()}``.

RDF cannot carry evidence, negated relations or where entities are mentioned; this format
carries everything a store holds: a ``schema`` line, ``entity`` lines (types and aliases), then
each ``document`` with its ``chunk`` and ``mention`` lines, then ``relation`` lines (with all
their evidence, negated ones included). A store that cannot list its documents (the protocol
has no such read yet, only ``SQLiteStore`` does) gets the documents evidence cites, without
chunks and mentions, and a warning saying so.

Reading it back takes three passes over the file, so memory stays flat apart from the entity
ids kept to check references: the first validates every line (nothing is written if one is
bad), the second writes documents, chunks and entities, the third mentions and relations.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ValidationError

from kgsynth.errors import InputError, UnknownEntityTypeError, UnknownRelationError, choices
from kgsynth.model import (
    ROOT_TYPE,
    Chunk,
    Document,
    Entity,
    EntityType,
    GraphBatch,
    Mention,
    Relation,
    RelationType,
    Schema,
)
from kgsynth.rdf.parse import check_readable
from kgsynth.rdf.report import ExportReport, ImportReport
from kgsynth.rdf.typemap import ROOT_ENTITY_TYPE
from kgsynth.store.base import GraphStore

logger = logging.getLogger(__name__)

_MODELS: dict[str, type[BaseModel]] = {
    "schema": Schema,
    "entity": Entity,
    "relation": Relation,
    "document": Document,
    "chunk": Chunk,
    "mention": Mention,
}
#: What each pass after validation writes: everything a line refers to is written in an earlier pass.
_PASSES = (("document", "chunk", "entity"), ("mention", "relation"))


@runtime_checkable
class DocumentPages(Protocol):
    """A store that can list its documents and their chunks (``SQLiteStore``)."""

    def iter_documents(self, batch_size: int = ...) -> Iterator[list[Document]]: ...

    def chunks(self, document_id: str) -> list[Chunk]: ...


# --------------------------------------------------------------------------- export


def write_jsonl(store: GraphStore, write: Callable[[str], object], *, batch_size: int) -> ExportReport:
    """Write the schema, entities, documents (with chunks and mentions) and relations, a page at a time."""
    write(_line("schema", store.schema()))
    entities = relations = negated = 0
    for page in store.iter_entities(batch_size):
        entities += len(page)
        write("".join(_line("entity", entity) for entity in page))
    listed = isinstance(store, DocumentPages)
    if listed:
        _write_documents(store, write, batch_size)
    cited: set[str] = set()
    for page in store.iter_relations(batch_size, with_evidence=True):
        relations += len(page)
        negated += sum(1 for relation in page if relation.negated)
        cited.update(evidence.document_id for relation in page for evidence in relation.evidence)
        write("".join(_line("relation", relation) for relation in page))
    if not listed:
        logger.warning(
            "jsonl export: the store %s cannot list its documents, so only the %d documents that evidence "
            "cites are written, without their chunks and mentions",
            store.url,
            len(cited),
        )
        for document_id in sorted(cited):
            document = store.get_document(document_id)
            if document is not None:
                write(_line("document", document))
    logger.debug("jsonl export: %d negated relations kept", negated)
    return ExportReport(format="jsonl", entities=entities, relations=relations)


def _write_documents(store: DocumentPages, write: Callable[[str], object], batch_size: int) -> None:
    """Each document, then its chunks and its mentions."""
    mentions_of = store.mentions  # type: ignore[attr-defined]  (every GraphStore has it)
    for page in store.iter_documents(batch_size):
        for document in page:
            lines = [_line("document", document)]
            lines += [_line("chunk", chunk) for chunk in store.chunks(document.id)]
            lines += [_line("mention", mention) for mention in mentions_of(document_id=document.id)]
            write("".join(lines))


def _line(kind: str, model: BaseModel) -> str:
    return json.dumps({"kind": kind, **model.model_dump(mode="json")}, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- import


def read_jsonl(path: str | Path, *, schema: Schema | None = None) -> JsonlSource:
    """Validate a kgsynth JSONL dump line by line, writing nothing.

    Args:
        path: a file written by ``export_graph(..., format="jsonl")`` (or by hand, alike).
        schema: if given, every entity type and relation must be in it; otherwise the file's
            ``schema`` lines, completed with the names its lines use, are the schema.

    Raises:
        InputError: a line is not JSON, has an unknown ``kind``, or does not validate; or a
            relation or mention refers to an entity the file does not hold (see ``check_references``).
        UnknownEntityTypeError / UnknownRelationError: ``schema`` lacks a name a line uses.
    """
    source = JsonlSource(Path(path), schema)
    source.validate()
    return source


class JsonlSource:
    """A validated JSONL dump: its schema and its batches (build it with :func:`read_jsonl`)."""

    def __init__(self, path: Path, schema: Schema | None) -> None:
        self.path = path
        self.format = "jsonl"
        #: What ``records`` counts, for messages.
        self.record_kind = "records"
        self._given = schema
        self._file_schema = Schema()
        self._types: dict[str, int] = {}
        self._predicates: dict[str, int] = {}
        self._entity_ids: set[str] = set()
        self._dangling: dict[str, tuple[int, str]] = {}
        self._counts = dict.fromkeys(_MODELS, 0)
        self.schema = Schema()
        #: Lines holding a record (pass 1); none means there is nothing to import.
        self.records = 0

    def validate(self) -> None:
        """Pass 1: parse every line; collect the schema, the names used and the entity ids."""
        first_schema = True
        for number, _, model in self._lines():
            self.records += 1
            if isinstance(model, Schema):  # the first keeps its name and IRI; later ones add types
                self._file_schema = model if first_schema else self._file_schema.merge(model)
                first_schema = False
            elif isinstance(model, Entity):
                self._types.setdefault(model.type, number)
                self._entity_ids.add(model.id)
            elif isinstance(model, Relation):
                self._predicates.setdefault(model.predicate, number)
                for end in (model.subject, model.object):
                    self._dangling.setdefault(end, (number, "relation"))
            elif isinstance(model, Mention):
                self._dangling.setdefault(model.entity_id, (number, "mention"))
        for entity_id in self._entity_ids:
            self._dangling.pop(entity_id, None)
        self.schema = self._resolve_schema()

    def check_references(self, store: GraphStore) -> None:
        """Raise ``InputError`` if an entity a line refers to is neither in the file nor in ``store``."""
        for entity_id, (number, kind) in sorted(self._dangling.items(), key=lambda kv: kv[1]):
            if store.get_entity(entity_id) is None:
                raise InputError(
                    f'{self.path}, line {number}: the {kind} refers to entity "{entity_id}", which is '
                    "neither in the file nor in the store. Nothing was imported."
                )

    def batches(self, batch_size: int = 1000) -> Iterator[GraphBatch]:
        """Documents, chunks and entities (pass 2), then mentions and relations (pass 3)."""
        self._counts = dict.fromkeys(_MODELS, 0)
        for kinds in _PASSES:
            pending: list[BaseModel] = []
            for _, kind, model in self._lines():
                if kind in kinds:
                    self._counts[kind] += 1
                    pending.append(model)
                    if len(pending) >= batch_size:
                        yield _batch(pending)
                        pending = []
            if pending:
                yield _batch(pending)
        logger.debug("jsonl import: %s", self._counts)

    def report(self) -> ImportReport:
        """Counts of what :meth:`batches` yielded."""
        return ImportReport(
            source=str(self.path),
            format="jsonl",
            document_id="",
            entities=self._counts["entity"],
            relations=self._counts["relation"],
            entity_types=len(self.schema.entity_types),
            relation_types=len(self.schema.relation_types),
        )

    def _resolve_schema(self) -> Schema:
        base = self._given if self._given is not None else self._file_schema
        if self._given is not None:
            self._check_known(base)
        derived = Schema(
            entity_types=tuple(
                ROOT_ENTITY_TYPE if name == ROOT_TYPE else EntityType(name=name)
                for name in sorted(self._types)
                if not base.has_entity_type(name)
            ),
            relation_types=tuple(
                RelationType(name=name) for name in sorted(self._predicates) if not base.has_relation(name)
            ),
        )
        return base.merge(derived)

    def _check_known(self, schema: Schema) -> None:
        for name, number in self._types.items():
            if name != ROOT_TYPE and not schema.has_entity_type(name):
                raise UnknownEntityTypeError(
                    f'{self.path}, line {number}: entity type "{name}" is not in the schema'
                    f"{_named(schema)}. Entity types present: {choices(t.name for t in schema.entity_types)}."
                )
        for name, number in self._predicates.items():
            if not schema.has_relation(name):
                raise UnknownRelationError(
                    f'{self.path}, line {number}: relation "{name}" is not in the schema'
                    f"{_named(schema)}. Relations present: {choices(r.name for r in schema.relation_types)}."
                )

    def _lines(self) -> Iterator[tuple[int, str, BaseModel]]:
        check_readable(self.path)
        try:
            with self.path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield number, *self._parse(number, line)
        except UnicodeDecodeError as exc:
            raise InputError(f"{self.path}: not UTF-8 text ({exc.reason}).") from exc
        except OSError as exc:
            raise InputError(f"{self.path}: cannot be read ({exc.strerror or exc}).") from exc

    def _parse(self, number: int, line: str) -> tuple[str, BaseModel]:
        where = f"{self.path}, line {number}"
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON ({exc.msg}, column {exc.colno}).") from exc
        kind = data.pop("kind", None) if isinstance(data, dict) else None
        if kind not in _MODELS:
            raise InputError(
                f'{where}: "kind" must be one of {choices(_MODELS)}, not {json.dumps(kind)}. '
                "Is this a file written by kgsynth export --format jsonl?"
            )
        try:
            return kind, _MODELS[kind].model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or kind
            raise InputError(f"{where}: not a valid {kind}: {field}: {error['msg']}.") from exc


def _named(schema: Schema) -> str:
    return f" {schema.name}" if schema.name else ""


def _batch(items: list[BaseModel]) -> GraphBatch:
    return GraphBatch(
        documents=tuple(i for i in items if isinstance(i, Document)),
        chunks=tuple(i for i in items if isinstance(i, Chunk)),
        entities=tuple(i for i in items if isinstance(i, Entity)),
        mentions=tuple(i for i in items if isinstance(i, Mention)),
        relations=tuple(i for i in items if isinstance(i, Relation)),
    )
