"""The ``GraphStore`` protocol: what every backend (SQLite, Neo4j) offers the stages above it.

A store holds one graph and the schema it was written with. Writes come as ``GraphBatch``
objects and are atomic per batch. Reads return our own pydantic models, never driver rows,
so a stage cannot tell which backend it runs on; one contract suite
(``tests/store/test_contract.py``) runs every operation against every backend.

Merge rules every backend follows when a write meets what is already stored:
- documents, chunks, mentions: same id = same row (content-hash ids), later write wins;
- entities: same id = one node; the type and name of the later write win, aliases are united;
- relations: same id (subject, predicate, object, polarity) = one edge; evidence is united
  (keyed by ``Evidence.key``), confidence is the maximum, ``hedged`` stays true only while
  every write was hedged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Literal, Protocol, runtime_checkable

from kgsynth.model import (
    Chunk,
    DeletionReport,
    Document,
    Entity,
    EntityMatch,
    GraphBatch,
    GraphStats,
    Mention,
    Relation,
    Schema,
    Subgraph,
)

Direction = Literal["out", "in", "both"]

#: Rows per write batch / read page when a caller does not say.
DEFAULT_BATCH_SIZE = 10_000


@runtime_checkable
class GraphStore(Protocol):
    """A graph of entities and evidence-carrying relations, with its schema."""

    url: str

    def __enter__(self) -> GraphStore: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""

    # ----------------------------------------------------------------- schema
    def schema(self) -> Schema:
        """The schema registered so far (empty if none)."""

    def ensure_schema(self, schema: Schema) -> None:
        """Register ``schema`` (merged into what is there) and create its constraints and indexes."""

    # ----------------------------------------------------------------- writes
    def write(self, batch: GraphBatch) -> None:
        """Write the batch in one transaction.

        Raises:
            UnknownEntityTypeError / UnknownRelationError: a name is not in the registered schema.
            StoreError: a relation or mention refers to an entity that is neither in the batch
                nor stored; nothing of the batch is written.
        """

    def delete_document(self, document_id: str) -> DeletionReport:
        """Delete a document with its chunks and mentions, and every fact only it supported.

        Relations lose this document's evidence; a relation left without evidence that had
        some is deleted; an entity left with no mention and no relation is deleted.
        Relations that never had evidence (asserted by an import) are kept.

        Raises:
            StoreError: if no document has that id.
        """

    # ----------------------------------------------------------------- reads
    def get_document(self, document_id: str) -> Document | None:
        """The document with this id, or None."""

    def document_ids(self, source: str) -> list[str]:
        """Ids of the stored documents read from ``source`` (a path), sorted.

        ``build`` uses it to replace the facts of a document whose content changed.
        """

    def iter_documents(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Document]]:
        """All documents in id order, a page at a time (a lossless export reads them all)."""

    def chunks(self, document_id: str) -> list[Chunk]:
        """The chunks of one document, in text order."""

    def get_entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""

    def find_entities(
        self,
        name: str,
        *,
        type: str | None = None,
        fuzzy: bool = False,
        limit: int = 10,
        min_score: float = 0.8,
    ) -> list[EntityMatch]:
        """Entities whose name or alias matches ``name`` (case/space-insensitive), best first.

        Exact name matches score 1.0 and come before alias matches (0.95). With ``fuzzy``,
        near matches scoring at least ``min_score`` follow; ``type`` restricts to that type
        and its subclasses.
        """

    def mentions(self, *, document_id: str | None = None, entity_id: str | None = None) -> list[Mention]:
        """Mentions of a document and/or an entity, in document order."""

    def relations(
        self,
        *,
        subject: str | None = None,
        predicate: str | None = None,
        object: str | None = None,
        negated: bool | None = None,
        limit: int | None = None,
    ) -> list[Relation]:
        """Relations matching every given field, with their evidence, ordered by id."""

    def relations_by_id(self, ids: Sequence[str]) -> list[Relation]:
        """The stored relations among ``ids``, with evidence, ordered by id; unknown ids are left out.

        Walks hydrate the relations of the paths they emit with it, a batch at a time.
        """

    def holds(self, subject: str, predicate: str, object: str) -> Relation | None:
        """The positive relation ``subject -predicate-> object`` with its evidence, or None."""

    def neighbours(
        self,
        entity_id: str,
        *,
        predicates: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Relation]:
        """Relations touching ``entity_id`` in the given direction, optionally of some predicates only."""

    def subgraph(
        self,
        entity_id: str,
        hops: int,
        *,
        predicates: Sequence[str] | None = None,
        limit: int = 10_000,
    ) -> Subgraph:
        """Entities within ``hops`` edges of ``entity_id`` (either direction) and the relations among them."""

    def stats(self) -> GraphStats:
        """Counts by kind, entity type and predicate, and entities with no relation."""

    def iter_entities(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Entity]]:
        """All entities in id order, a page at a time (memory stays flat)."""

    def iter_relations(
        self, batch_size: int = DEFAULT_BATCH_SIZE, *, with_evidence: bool = True
    ) -> Iterator[list[Relation]]:
        """All relations in id order, a page at a time (memory stays flat)."""
