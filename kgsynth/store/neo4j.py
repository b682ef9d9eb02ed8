"""``Neo4jStore``: the ``GraphStore`` on a Neo4j server, for graphs too big for one SQLite file.

The statements are all in ``_cypher``; this module decides which to run, with what rows, in
which transaction, and turns records back into our models. It follows the SQLite store in
every observable way (merge rules, orderings, scores), so the contract suite runs both.

A ``write`` plans the batch in Python first (names checked against the registered schema,
duplicate rows merged by the rules of ``store/base.py``, rows grouped per label and
relationship type), then runs one write transaction: a read of the entities and documents the
batch refers to, then ``UNWIND`` upserts of at most ``ROWS_PER_STATEMENT`` rows each. A
dangling reference is refused before anything is written, and any error rolls the whole
transaction back.

Driver errors are turned into ours at one point, ``map_driver_errors``.
"""

from __future__ import annotations

import heapq
import json
import logging
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from types import TracebackType
from typing import Any, TypeVar

from neo4j import GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from rapidfuzz import fuzz

from kgsynth.errors import (
    SchemaError,
    StoreConnectionError,
    StoreError,
    UnknownEntityTypeError,
    UnknownRelationError,
    choices,
)
from kgsynth.model import (
    IDENTIFIER,
    RESERVED_NAMES,
    Chunk,
    DeletionReport,
    Document,
    Entity,
    EntityMatch,
    EntityType,
    Evidence,
    GraphBatch,
    GraphStats,
    Mention,
    Relation,
    RelationType,
    Schema,
    Subgraph,
    normalise_name,
)
from kgsynth.store import _cypher as cypher
from kgsynth.store._matching import candidate_budget, name_matches, ranked_fuzzy, trigrams, types_under
from kgsynth.store.base import DEFAULT_BATCH_SIZE, Direction

logger = logging.getLogger(__name__)

USER_ENV = "KGSYNTH_NEO4J_USER"
PASSWORD_ENV = "KGSYNTH_NEO4J_PASSWORD"
DATABASE_ENV = "KGSYNTH_NEO4J_DATABASE"
TIMEOUT_ENV = "KGSYNTH_STORE__TIMEOUT"
DEFAULT_USER = "neo4j"
#: Seconds to connect to the server, or to wait for a pooled connection, before giving up.
DEFAULT_TIMEOUT = 10.0
#: Seconds the driver's transaction functions keep retrying deadlocks and transient errors.
MAX_RETRY_SECONDS = 60.0

#: How long ``ensure_schema`` waits for new indexes to come online before loading may start.
INDEX_WAIT_SECONDS = 300
#: Nodes deleted per transaction by ``clear``.
CLEAR_SLICE = 10_000

# Neo4j lists cannot hold nulls, so evidence lists store these for a missing chunk id / offset.
_NO_CHUNK = ""
_NO_OFFSET = -1

_IDENTIFIER = re.compile(IDENTIFIER)
_T = TypeVar("_T")
#: The code of a schema statement that lost a race with an identical one of another writer.
_ALREADY_EXISTS = "EquivalentSchemaRuleAlreadyExists"


@contextmanager
def map_driver_errors(url: str, user: str = DEFAULT_USER, timeout: float | None = None) -> Iterator[None]:
    """Re-raise any Neo4j driver error as ours, saying what to fix.

    The one place driver exceptions are translated (like httpx's ``map_httpcore_exceptions``).
    Messages never contain the password.

    Raises:
        StoreConnectionError: the server is unreachable, refused the credentials, or has no
            such database.
        StoreError: the server rejected a statement; its transaction was rolled back.
    """
    try:
        yield
    except AuthError as exc:
        raise StoreConnectionError(
            f'Neo4j at "{url}" refused the credentials of user "{user}". '
            f"Set {USER_ENV} and {PASSWORD_ENV} to an account of that server."
        ) from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        if timeout is not None and _timed_out(exc):
            raise StoreConnectionError(
                f'Neo4j at "{url}" did not answer within {timeout:g} s ({_reason(exc)}). Check that a '
                f"Neo4j server (not another program) listens there, or raise the timeout with "
                f"{TIMEOUT_ENV} / [store] timeout."
            ) from exc
        raise StoreConnectionError(
            f'cannot reach Neo4j at "{url}" ({_reason(exc)}). Start the server, or point '
            "--store / KGSYNTH_STORE__URL (or KGSYNTH_NEO4J_URI) at one that runs."
        ) from exc
    except Neo4jError as exc:
        if (exc.code or "").endswith("DatabaseNotFound"):
            raise StoreConnectionError(
                f'Neo4j at "{url}" has no such database ({_reason(exc)}). '
                f"Set {DATABASE_ENV} to one of its databases, or unset it for the server default."
            ) from exc
        raise StoreError(
            f'Neo4j at "{url}" rejected a statement ({_reason(exc)}); its transaction was rolled back.'
        ) from exc
    except DriverError as exc:
        raise StoreConnectionError(f'cannot use Neo4j at "{url}": {_reason(exc)}') from exc


def _timed_out(exc: BaseException) -> bool:
    """Whether a driver error (or any error under it) was a timeout."""
    while exc is not None:
        if isinstance(exc, TimeoutError) or "timed out" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def timeout_from_env(value: float | None = None) -> float:
    """The connection timeout: ``value`` if given, else ``KGSYNTH_STORE__TIMEOUT``, else 10 s.

    Raises:
        StoreConnectionError: the variable is not a positive number of seconds.
    """
    if value is not None:
        return value
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not (seconds > 0 and math.isfinite(seconds)):
        raise StoreConnectionError(f'{TIMEOUT_ENV}="{raw}" is not a positive number of seconds.')
    return seconds


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:400] or type(exc).__name__


class Neo4jStore:
    """A graph store on a Neo4j 5 (or later) server.

    Credentials not given come from ``KGSYNTH_NEO4J_USER`` (default ``neo4j``) and
    ``KGSYNTH_NEO4J_PASSWORD``; the database from ``KGSYNTH_NEO4J_DATABASE`` (default: the
    server's home database, resolved once on open and then named in every call). The
    connection is verified on open; connecting and waiting for a pooled connection give up
    after ``timeout`` seconds (``KGSYNTH_STORE__TIMEOUT``, default 10).

    Every uniqueness constraint is in place before the first write, so ``MERGE`` seeks an index
    and concurrent writers (``build --shard i/N`` on several machines) cannot create a node or
    an edge twice; deadlocks and transient errors are retried by the driver's transaction
    functions and counted in ``transaction_retries``.

    Example:
        >>> with Neo4jStore("bolt://localhost:7687") as store:  # doctest: +SKIP
        ...     store.ensure_schema(schema)
        ...     store.write(batch)
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url
        self._user = user or os.environ.get(USER_ENV) or DEFAULT_USER
        secret = password if password is not None else os.environ.get(PASSWORD_ENV)
        self._timeout = timeout_from_env(timeout)
        self._database: str | None = database or os.environ.get(DATABASE_ENV) or None
        #: Constraints known to exist: the base ones (None) and those of each relationship type.
        self._constrained: set[str | None] = set()
        #: Whether every entity has ``name_grams`` (None: not asked yet); see ``_cypher``.
        self._name_grams_ready: bool | None = None
        self.transaction_retries = 0
        with map_driver_errors(url, self._user, self._timeout):
            try:
                self._driver = GraphDatabase.driver(
                    url,
                    auth=(self._user, secret) if secret else None,
                    connection_timeout=self._timeout,
                    connection_acquisition_timeout=self._timeout,
                    max_transaction_retry_time=MAX_RETRY_SECONDS,
                    # The server's notifications ("property `text` does not exist" on an empty
                    # database, for every lookup) would reach the user as a warning per query.
                    notifications_min_severity="OFF",
                )
            except (ConfigurationError, ValueError) as exc:
                raise StoreConnectionError(f'cannot use Neo4j at "{url}": {_reason(exc)}') from exc
        try:
            with map_driver_errors(url, self._user, self._timeout):
                self._driver.verify_connectivity()
            if self._database is None:
                self._database = self._home_database()
            self._schema = self._load_schema() or Schema()
        except BaseException:
            self._driver.close()
            raise
        logger.debug("neo4j: connected to %s as %s, database %s", url, self._user, self._database)

    @property
    def database(self) -> str | None:
        """The database every statement names (the server's home database unless one was given)."""
        return self._database

    def _home_database(self) -> str:
        """The home database of this user, asked once so that every later call can name it.

        Naming the database saves the driver a round trip per transaction to resolve it, and
        keeps every call on the same database even if the server's default changes.
        """
        return self._read("home_database", cypher.HOME_DATABASE)[0]["name"]

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the driver; the store is unusable afterwards."""
        with map_driver_errors(self.url, self._user):
            self._driver.close()

    def clear(self) -> None:
        """Delete every node and relationship, the registered schema, and kgsynth's indexes and constraints.

        Relationships, then nodes, go in slices of ``CLEAR_SLICE`` per transaction; only indexes
        and constraints named ``kgsynth_*`` are dropped, so other applications' ones stay.
        """
        for name, statement in (
            ("clear_relationship_slice", cypher.CLEAR_RELATIONSHIP_SLICE),
            ("clear_slice", cypher.CLEAR_SLICE),
        ):
            while self._write(name, statement, limit=CLEAR_SLICE)[0]["deleted"]:
                pass
        prefix = {"prefix": cypher.SCHEMA_PREFIX}
        for record in self._read("kgsynth_constraints", cypher.KGSYNTH_CONSTRAINTS, **prefix):
            self._write("drop_constraint", cypher.drop_constraint(record["name"]))
        for record in self._read("kgsynth_indexes", cypher.KGSYNTH_INDEXES, **prefix):
            self._write("drop_index", cypher.drop_index(record["name"]))
        self._constrained.clear()
        self._name_grams_ready = None
        self._schema = Schema()

    # ------------------------------------------------------------------ schema
    def schema(self) -> Schema:
        """The schema registered so far (empty if none), as stored in the database now."""
        self._schema = self._load_schema() or Schema()
        return self._schema

    def ensure_schema(self, schema: Schema) -> None:
        """Register ``schema`` (merged into the stored one, whose types win a name clash).

        Creates the uniqueness constraints and indexes first and waits for them to come
        online, so the first load already uses them.
        """
        stored = self._load_schema()
        merged = stored.merge(schema) if stored is not None else schema
        self._create_constraints(merged, [r.name for r in merged.relation_types])
        self._write("write_schema", cypher.WRITE_SCHEMA, key=cypher.SCHEMA_KEY, json=merged.model_dump_json())
        self._schema = merged
        logger.info(
            "neo4j: schema %s registered (%d entity types, %d relations)",
            merged.name or "(unnamed)",
            len(merged.entity_types),
            len(merged.relation_types),
        )

    def _create_constraints(self, schema: Schema, predicates: Iterable[str]) -> None:
        """Create the base constraints and those of ``predicates`` that this store has not yet made.

        Schema changes cannot share a transaction with data, so this runs before a write; each
        statement is ``IF NOT EXISTS``, so concurrent writers creating the same one is harmless.
        """
        todo = sorted(p for p in set(predicates) if p not in self._constrained)
        if None in self._constrained and not todo:
            return
        statements = []
        if None not in self._constrained:
            prefix = cypher.SCHEMA_PREFIX
            for record in self._read("outdated_indexes", cypher.OUTDATED_INDEXES, prefix=prefix):
                self._write("drop_index", cypher.drop_index(record["name"]))
            statements += [*cypher.CONSTRAINTS, *cypher.INDEXES]
        statements += [
            (f"constraint_relation_id[{p}]", cypher.relation_id_constraint(schema, p)) for p in todo
        ]
        for name, statement in statements:
            self._create_schema_rule(name, statement)
        self._read("await_indexes", cypher.AWAIT_INDEXES, seconds=INDEX_WAIT_SECONDS)
        if None not in self._constrained:
            self._give_entities_name_grams()
        self._constrained.update([None, *todo])

    def _create_schema_rule(self, name: str, statement: str) -> None:
        """Run one ``IF NOT EXISTS`` index or constraint statement; another writer winning the race is fine.

        Neo4j decides ``IF NOT EXISTS`` when the statement starts: if another writer (a second
        ``build --shard``) is creating the same rule at that moment, this statement waits for its
        lock and then fails with ``EquivalentSchemaRuleAlreadyExists``, although the rule now exists
        exactly as asked (seen in CI: one of two concurrent shards failed on the full-text index).
        """
        try:
            self._write(name, statement)
        except StoreError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, Neo4jError) and (cause.code or "").endswith(_ALREADY_EXISTS)):
                raise
            logger.debug("neo4j: %s was created meanwhile by another writer", name)

    def _give_entities_name_grams(self) -> None:
        """Upgrade a store written before ``name_grams`` existed, once: every entity gets them.

        Later writes set them as they go, so the mark, once made, stays true; writers racing
        here set the same values.
        """
        if self._name_grams_marked():
            self._name_grams_ready = True
            return
        upgraded = 0
        while done := self._write(
            "backfill_name_grams",
            cypher.BACKFILL_NAME_GRAMS,
            limit=CLEAR_SLICE,
            separator=cypher.NAME_KEY_SEPARATOR,
        )[0]["done"]:
            upgraded += done
            logger.info("neo4j: %d entities given the trigrams of fuzzy lookup so far", upgraded)
        self._write("mark_name_grams_ready", cypher.MARK_NAME_GRAMS_READY, key=cypher.NAME_GRAMS_KEY)
        self._name_grams_ready = True

    def _name_grams_marked(self) -> bool:
        """Whether the store's mark says every entity has ``name_grams``."""
        records = self._read("name_grams_ready", cypher.NAME_GRAMS_READY, key=cypher.NAME_GRAMS_KEY)
        return bool(records[0]["ready"])

    def _load_schema(self) -> Schema | None:
        records = self._read("read_schema", cypher.READ_SCHEMA, key=cypher.SCHEMA_KEY)
        return Schema.model_validate_json(records[0]["json"]) if records else None

    # ------------------------------------------------------------------ writes
    def write(self, batch: GraphBatch) -> None:
        """Write the batch in one transaction; see ``GraphStore.write``."""
        if not len(batch):
            return
        try:
            plan = plan_write(self._schema, batch)
        except SchemaError:
            self._schema = self._load_schema() or Schema()  # another process may have registered more
            plan = plan_write(self._schema, batch)
        self._create_constraints(plan.schema, plan.predicates)
        self._in_write_transaction(lambda tx: self._write_plan(tx, plan))
        logger.debug("neo4j: wrote %d rows to %s", len(batch), self.url)

    def _write_plan(self, tx: ManagedTransaction, plan: WritePlan) -> None:
        stored_types: dict[str, str] = {}
        for ids in _slices(sorted(plan.entity_lookups)):
            for record in _run(tx, "stored_entities", cypher.STORED_ENTITIES, ids=ids):
                stored_types[record["id"]] = record["type"]
        stored_documents: set[str] = set()
        for ids in _slices(sorted(plan.document_refs)):
            stored_documents.update(
                r["id"] for r in _run(tx, "stored_documents", cypher.STORED_DOCUMENTS, ids=ids)
            )
        check_references(plan, stored_types.keys(), stored_documents, self.url)
        for step in plan.steps_before_entities:
            step.run(tx)
        for step in _label_removals(plan, stored_types):
            step.run(tx)
        for step in plan.steps_from_entities:
            step.run(tx)

    def delete_document(self, document_id: str) -> DeletionReport:
        """Delete a document and every fact only it supported; see ``GraphStore.delete_document``.

        The relations the document supports are read from its ``DocumentFacts`` list and sought
        by type and id, so the cost follows the document's size, not the graph's.
        """

        def work(tx: ManagedTransaction) -> DeletionReport:
            params = {"document_id": document_id}
            if not _run(tx, "document_exists", cypher.DOCUMENT_EXISTS, **params)[0]["n"]:
                raise StoreError(
                    f'no document "{document_id}" in the store "{self.url}"; nothing was deleted.'
                )
            relations = evidence = 0
            touched: set[str] = set()
            for predicate, ids in _fact_keys_by_predicate(
                _run(tx, "document_facts", cypher.DOCUMENT_FACTS, **params)
            ):
                for chunk in _slices(ids):
                    dead = _run(
                        tx,
                        "delete_relations_of_document",
                        cypher.delete_relations_of_document(predicate),
                        ids=chunk,
                        **params,
                    )[0]
                    stripped = _run(
                        tx,
                        "strip_document_evidence",
                        cypher.strip_document_evidence(predicate),
                        ids=chunk,
                        **params,
                    )[0]
                    relations += dead["relations"]
                    evidence += (dead["evidence"] or 0) + (stripped["evidence"] or 0)
                    touched.update(dead["touched"])
            _run(tx, "delete_document_facts", cypher.DELETE_DOCUMENT_FACTS, **params)
            mentions = _run(tx, "delete_mentions_of_document", cypher.DELETE_MENTIONS_OF_DOCUMENT, **params)[
                0
            ]
            chunks = _run(tx, "delete_chunks_of_document", cypher.DELETE_CHUNKS_OF_DOCUMENT, **params)[0]
            documents = _run(tx, "delete_document", cypher.DELETE_DOCUMENT, **params)[0]
            touched.update(mentions["touched"])
            entities = sum(
                _run(tx, "delete_orphaned_entities", cypher.DELETE_ORPHANED_ENTITIES, ids=ids)[0]["entities"]
                for ids in _slices(sorted(touched))
            )
            return DeletionReport(
                document_id=document_id,
                documents=documents["documents"],
                chunks=chunks["chunks"],
                mentions=mentions["mentions"],
                evidence=evidence,
                relations=relations,
                entities=entities,
            )

        return self._in_write_transaction(work)

    # ------------------------------------------------------------------ reads
    def get_document(self, document_id: str) -> Document | None:
        """The document with this id, or None."""
        records = self._read("get_document", cypher.GET_DOCUMENT, id=document_id)
        return _document(records[0]) if records else None

    def iter_documents(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Document]]:
        """All documents in id order, ``batch_size`` at a time (a lossless export reads them all)."""
        after = ""
        while records := self._read("documents_page", cypher.DOCUMENTS_PAGE, after=after, limit=batch_size):
            yield [_document(r) for r in records]
            after = records[-1]["id"]

    def chunks(self, document_id: str) -> list[Chunk]:
        """The chunks of one document, in text order."""
        records = self._read("chunks_of_document", cypher.CHUNKS_OF_DOCUMENT, document_id=document_id)
        return [
            Chunk(id=r["id"], document_id=r["document_id"], start=r["start"], end=r["end"], text=r["text"])
            for r in records
        ]

    def document_ids(self, source: str) -> list[str]:
        """Ids of the stored documents read from ``source``, sorted."""
        records = self._read("document_ids_from_source", cypher.DOCUMENT_IDS_FROM_SOURCE, source=source)
        return [r["id"] for r in records]

    def get_entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        records = self._read("get_entity", cypher.GET_ENTITY, id=entity_id)
        return _entity(records[0]) if records else None

    def find_entities(
        self,
        name: str,
        *,
        type: str | None = None,
        fuzzy: bool = False,
        limit: int = 10,
        min_score: float = 0.8,
    ) -> list[EntityMatch]:
        """Entities named or aliased ``name`` (case/space-insensitive), then near matches; best first."""
        key = normalise_name(name)
        if not key or limit <= 0:
            return []
        types = self._types_under(type)
        needle = cypher.NAME_KEY_SEPARATOR + key + cypher.NAME_KEY_SEPARATOR
        found = [
            _entity(r)
            for r in self._read("entities_named", cypher.ENTITIES_NAMED, needle=needle, types=types)
        ]
        matches = name_matches(
            (e for e in found if normalise_name(e.name) == key),
            (e for e in found if key in {normalise_name(alias) for alias in e.aliases}),
        )
        if fuzzy and len(matches) < limit:
            exclude = {m.entity.id for m in matches}
            matches += self._fuzzy_matches(key, types, exclude, min_score, limit - len(matches))
        return matches[:limit]

    def _fuzzy_matches(
        self, key: str, types: list[str] | None, exclude: set[str], min_score: float, limit: int
    ) -> list[EntityMatch]:
        """Near matches: entities sharing trigrams with ``key``, scored exactly with ``fuzz.ratio``."""
        grams = trigrams(key)
        if not grams or types == []:
            # under three characters there are no trigrams (only exact matches count); and an
            # empty list of types admits no entity
            return []
        wanted = candidate_budget(limit, exclude)
        if self._name_grams_ready is None:
            self._name_grams_ready = self._name_grams_marked()
        if self._name_grams_ready:
            query = cypher.name_grams_query(grams, types)
            records = self._read("entity_candidates", cypher.ENTITY_CANDIDATES, query=query, limit=wanted)
        else:
            records = self._read(
                "entity_candidates_by_contains",
                cypher.ENTITY_CANDIDATES_BY_CONTAINS,
                grams=grams,
                types=types,
                limit=wanted,
            )
        scored: list[tuple[float, Entity]] = []
        for entity in map(_entity, records):
            if entity.id in exclude:
                continue
            score = max(fuzz.ratio(key, normalise_name(n)) for n in (entity.name, *entity.aliases)) / 100.0
            if score >= min_score:
                scored.append((score, entity))
        return ranked_fuzzy(scored, limit)

    def _types_under(self, type_name: str | None) -> list[str] | None:
        return types_under(self._schema, type_name)

    def mentions(self, *, document_id: str | None = None, entity_id: str | None = None) -> list[Mention]:
        """Mentions of a document and/or an entity, in document order (document id, then offsets)."""
        if document_id is not None:
            name, statement = "mentions_of_document", cypher.MENTIONS_OF_DOCUMENT
        elif entity_id is not None:
            name, statement = "mentions_of_entity", cypher.MENTIONS_OF_ENTITY
        else:
            name, statement = "all_mentions", cypher.ALL_MENTIONS
        records = self._read(name, statement, document_id=document_id, entity_id=entity_id)
        return [
            Mention(
                entity_id=r["entity_id"],
                document_id=r["document_id"],
                chunk_id=r["chunk_id"],
                start=r["start"],
                end=r["end"],
                text=r["text"],
                sentence=r["sentence"] or "",
            )
            for r in records
        ]

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
        if subject is not None:
            name, statement = "relations_from_subject", cypher.RELATIONS_FROM_SUBJECT
        elif object is not None:
            name, statement = "relations_to_object", cypher.RELATIONS_TO_OBJECT
        elif predicate is not None and self._schema.has_relation(predicate):
            name, statement = "relations_of_type", cypher.relations_of_type(self._schema, predicate)
        else:
            name, statement = "all_relations", cypher.ALL_RELATIONS
        params = {"subject": subject, "predicate": predicate, "object": object, "negated": negated}
        return self._relations(name, statement, limit, **params)

    def relations_by_id(self, ids: Sequence[str]) -> list[Relation]:
        """The stored relations among ``ids``, with evidence, ordered by id; unknown ids are left out."""
        if not ids:
            return []
        predicates = [r.name for r in self._schema_with_stored_relationship_types().relation_types]
        statement = cypher.relations_with_ids(predicates)
        return self._relations("relations_with_ids", statement, None, ids=sorted(set(ids)))

    def holds(self, subject: str, predicate: str, object: str) -> Relation | None:
        """The positive relation ``subject -predicate-> object`` with its evidence, or None."""
        found = self.relations(subject=subject, predicate=predicate, object=object, negated=False, limit=1)
        return found[0] if found else None

    def neighbours(
        self,
        entity_id: str,
        *,
        predicates: Sequence[str] | None = None,
        direction: Direction = "both",
        limit: int | None = None,
    ) -> list[Relation]:
        """Relations touching ``entity_id`` in the given direction, optionally of some predicates only."""
        statements = {
            "out": cypher.NEIGHBOURS_OUT,
            "in": cypher.NEIGHBOURS_IN,
            "both": cypher.NEIGHBOURS_BOTH,
        }
        if direction not in statements:
            raise StoreError(f'direction "{direction}" is not one of: both, in, out.')
        wanted = None if predicates is None else list(predicates)
        return self._relations(
            f"neighbours_{direction}", statements[direction], limit, id=entity_id, predicates=wanted
        )

    def subgraph(
        self,
        entity_id: str,
        hops: int,
        *,
        predicates: Sequence[str] | None = None,
        limit: int = 10_000,
    ) -> Subgraph:
        """Entities within ``hops`` edges of ``entity_id`` (either direction) and the relations among them.

        Breadth first, nearer entities first; ``limit`` caps the entities and the relations.
        """
        if self.get_entity(entity_id) is None:
            return Subgraph()
        wanted = None if predicates is None else list(predicates)
        seen = [entity_id]
        reached = {entity_id}
        frontier = [entity_id]
        for _ in range(hops):
            if not frontier or len(seen) >= limit:
                break
            records = self._read("neighbour_ids", cypher.NEIGHBOUR_IDS, ids=frontier, predicates=wanted)
            frontier = sorted({r["id"] for r in records} - reached)[: limit - len(seen)]
            seen += frontier
            reached.update(frontier)
        relations = self._relations(
            "relations_among", cypher.RELATIONS_AMONG, limit, ids=seen, predicates=wanted
        )
        entities = [
            _entity(r) for r in self._read("entities_with_ids", cypher.ENTITIES_WITH_IDS, ids=sorted(seen))
        ]
        return Subgraph(entities=tuple(entities), relations=tuple(relations))

    def stats(self) -> GraphStats:
        """Counts by kind, entity type and predicate, and entities with no relation."""
        counts = self._read("counts", cypher.COUNTS)[0]
        by_type = {r["entity_type"]: r["n"] for r in self._read("entities_by_type", cypher.ENTITIES_BY_TYPE)}
        by_predicate = self._read("relations_by_predicate", cypher.RELATIONS_BY_PREDICATE)
        return GraphStats(
            documents=counts["documents"],
            chunks=counts["chunks"],
            entities=sum(by_type.values()),
            mentions=counts["mentions"],
            relations=sum(r["n"] for r in by_predicate),
            evidence=sum(r["evidence"] or 0 for r in by_predicate),
            entities_by_type=by_type,
            relations_by_predicate={r["predicate"]: r["n"] for r in by_predicate},
            orphan_entities=counts["orphan_entities"],
        )

    def iter_entities(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Entity]]:
        """All entities in id order, ``batch_size`` at a time; each page is one keyset query."""
        after = ""
        while page := [
            _entity(r)
            for r in self._read("entities_page", cypher.ENTITIES_PAGE, after=after, limit=batch_size)
        ]:
            yield page
            after = page[-1].id

    def iter_relations(
        self, batch_size: int = DEFAULT_BATCH_SIZE, *, with_evidence: bool = True
    ) -> Iterator[list[Relation]]:
        """All relations in id order, ``batch_size`` at a time.

        Each relationship type is paged by key through its own id index, and the streams are
        merged by id, so no page ever sorts the whole graph.
        """
        schema = self._schema_with_stored_relationship_types()
        streams = [
            self._relation_stream(schema, r.name, batch_size, with_evidence) for r in schema.relation_types
        ]
        page: list[Relation] = []
        for _, relation in heapq.merge(*streams, key=itemgetter(0)):
            page.append(relation)
            if len(page) == batch_size:
                yield page
                page = []
        if page:
            yield page

    def _relation_stream(
        self, schema: Schema, predicate: str, batch_size: int, with_evidence: bool
    ) -> Iterator[tuple[str, Relation]]:
        statement = cypher.relations_page(schema, predicate)
        after = ""
        while True:
            records = self._read(
                "relations_page", statement, after=after, limit=batch_size, with_evidence=with_evidence
            )
            for record in records:
                yield record["id"], _relation(record)
            if len(records) < batch_size:
                return
            after = records[-1]["id"]

    def _schema_with_stored_relationship_types(self) -> Schema:
        """The registered schema plus relationship types written while no schema named them."""
        known = {r.name for r in self._schema.relation_types} | RESERVED_NAMES
        extra = []
        for record in self._read("relationship_types", cypher.RELATIONSHIP_TYPES):
            name = record["name"]
            if name in known:
                continue
            if _IDENTIFIER.fullmatch(name):
                extra.append(RelationType(name=name))
            else:
                logger.warning("neo4j: skipping relations of type %r, not a name kgsynth writes", name)
        return self._schema.model_copy(update={"relation_types": self._schema.relation_types + tuple(extra)})

    # ------------------------------------------------------------------ plumbing
    def _relations(self, name: str, statement: str, limit: int | None, **params: Any) -> list[Relation]:
        if limit is not None:
            statement = cypher.limited(statement)
            params["limit"] = max(limit, 0)
        return [_relation(r) for r in self._read(name, statement, **params)]

    def _read(self, name: str, statement: str, **params: Any) -> list[Any]:
        return self._execute(name, statement, RoutingControl.READ, params)

    def _write(self, name: str, statement: str, **params: Any) -> list[Any]:
        return self._execute(name, statement, RoutingControl.WRITE, params)

    def _execute(
        self, name: str, statement: str, routing: RoutingControl, params: dict[str, Any]
    ) -> list[Any]:
        """One statement in its own managed (retried) transaction; the records it returned."""
        _log_statement(name, statement)
        with map_driver_errors(self.url, self._user, self._timeout):
            result = self._driver.execute_query(
                statement, parameters_=params, database_=self._database, routing_=routing
            )
        return list(result.records)

    def _in_write_transaction(self, work: Callable[[ManagedTransaction], _T]) -> _T:
        """Run ``work`` in one write transaction: committed if it returns, rolled back if it raises.

        The driver retries ``work`` on deadlocks and transient errors (concurrent writers meet
        those); each retry is counted in ``transaction_retries``. The session shares the
        bookmark manager of ``execute_query``, so a read after this write sees it on a cluster too.
        """
        attempts = 0

        def counted(tx: ManagedTransaction) -> _T:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                self.transaction_retries += 1
                logger.debug("neo4j: write transaction retried (attempt %d)", attempts)
            return work(tx)

        with (
            map_driver_errors(self.url, self._user, self._timeout),
            self._driver.session(
                database=self._database, bookmark_manager=self._driver.execute_query_bookmark_manager
            ) as session,
        ):
            return session.execute_write(counted)


# --------------------------------------------------------------------------- planning a write


@dataclass(frozen=True)
class Step:
    """One statement of a write, run for its rows in slices of ``ROWS_PER_STATEMENT``.

    The rows go in the parameter ``list_param`` (``$rows`` for upserts, ``$ids`` for id lists).
    """

    name: str
    statement: str
    rows: list[Any]
    params: dict[str, Any] = field(default_factory=dict)
    list_param: str = "rows"

    def run(self, tx: ManagedTransaction) -> None:
        for rows in _slices(self.rows):
            _run(tx, self.name, self.statement, **{**self.params, self.list_param: rows})


@dataclass(frozen=True)
class WritePlan:
    """What ``write`` will do for a batch, worked out before any query is sent."""

    schema: Schema
    steps_before_entities: list[Step]
    steps_from_entities: list[Step]
    entity_types: dict[str, str]
    #: Entity ids to look up: those of the batch (for type changes) and those it refers to.
    entity_lookups: set[str]
    #: Entity id -> what refers to it, for ids referred to but not in the batch (relations first).
    entity_refs: dict[str, str]
    #: Document id -> what refers to it, for ids referred to but not in the batch.
    document_refs: dict[str, str]
    #: Relationship types the batch writes (each needs its uniqueness constraint first).
    predicates: tuple[str, ...] = ()


def plan_write(schema: Schema, batch: GraphBatch) -> WritePlan:
    """Check the batch's names against ``schema`` and turn it into statements and rows.

    Rows with the same id are merged here by the rules of ``store/base.py``, so that each
    ``UNWIND`` meets every id once.

    Raises:
        UnknownEntityTypeError / UnknownRelationError: a name is not in ``schema`` (which,
            like the SQLite store, accepts any name when it has no types of that kind).
    """
    schema = writable_schema(schema, batch)
    documents = {d.id: d for d in batch.documents}
    chunks = {c.id: c for c in batch.chunks}
    entities = _merged_entities(batch.entities)
    mentions = {m.id: m for m in batch.mentions}
    relations = _merged_relations(batch.relations)
    before = [
        Step("upsert_documents", cypher.UPSERT_DOCUMENTS, [_document_row(d) for d in documents.values()]),
        Step("upsert_chunks", cypher.UPSERT_CHUNKS, [c.model_dump() for c in chunks.values()]),
    ]
    after = [
        Step(
            f"upsert_entities[{type_name}]",
            cypher.upsert_entities(schema, type_name),
            [_entity_row(e) for e in group],
            {"separator": cypher.NAME_KEY_SEPARATOR, "max_keys": cypher.MAX_NAME_KEYS},
        )
        for type_name, group in _grouped(entities.values(), lambda e: e.type)
    ]
    after.append(
        Step("upsert_mentions", cypher.UPSERT_MENTIONS, [_mention_row(m) for m in mentions.values()])
    )
    by_predicate = _grouped(relations.items(), lambda pair: pair[1].predicate)
    after += [
        Step(
            f"upsert_relations[{predicate}]",
            cypher.upsert_relations(schema, predicate),
            [_relation_row(rid, r) for rid, r in group],
        )
        for predicate, group in by_predicate
    ]
    after.append(Step("upsert_document_facts", cypher.UPSERT_DOCUMENT_FACTS, _document_fact_rows(relations)))
    entity_refs: dict[str, str] = {}
    for rid, relation in relations.items():
        for end in (relation.subject, relation.object):
            entity_refs.setdefault(end, f'relation "{rid}"')
    for mention in mentions.values():
        entity_refs.setdefault(
            mention.entity_id, f'mention "{mention.id}" in document "{mention.document_id}"'
        )
    document_refs: dict[str, str] = {}
    for mention in mentions.values():
        document_refs.setdefault(mention.document_id, f'mention "{mention.id}"')
    for chunk in chunks.values():
        document_refs.setdefault(chunk.document_id, f'chunk "{chunk.id}"')
    return WritePlan(
        schema=schema,
        steps_before_entities=[s for s in before if s.rows],
        steps_from_entities=[s for s in after if s.rows],
        entity_types={e.id: e.type for e in entities.values()},
        entity_lookups=set(entities) | set(entity_refs),
        entity_refs={i: owner for i, owner in entity_refs.items() if i not in entities},
        document_refs={i: owner for i, owner in document_refs.items() if i not in documents},
        predicates=tuple(predicate for predicate, _ in by_predicate),
    )


def writable_schema(schema: Schema, batch: GraphBatch) -> Schema:
    """``schema`` after checking the batch's names against it, naming the first offender.

    A schema without entity types (or without relations) accepts any name of that kind, as
    the SQLite store does; those names are added to the returned schema so that they can be
    inlined as labels. Names kgsynth reserves are refused either way.
    """
    extra_types: list[EntityType] = []
    for entity in batch.entities:
        if len(entity.id) > cypher.MAX_INDEXED_ID:
            raise StoreError(
                f'entity "{entity.id[:80]}...": its id is {len(entity.id)} characters long; Neo4j cannot '
                f"index a key over {cypher.MAX_INDEXED_ID} characters, so the batch was not written. "
                "A name that long is not an entity name: drop it before the write."
            )
        if entity.type in RESERVED_NAMES:
            raise UnknownEntityTypeError(
                f'entity "{entity.id}": entity type "{entity.type}" is a name kgsynth reserves '
                f"({choices(RESERVED_NAMES)})."
            )
        if not schema.entity_types:
            extra_types.append(EntityType(name=entity.type))
        elif not schema.has_entity_type(entity.type):
            _reraise_for(f'entity "{entity.id}"', schema.entity_type, entity.type)
    extra_relations: list[RelationType] = []
    for relation in batch.relations:
        if relation.predicate in RESERVED_NAMES:
            raise UnknownRelationError(
                f'relation "{relation.id}": relation "{relation.predicate}" is a name kgsynth reserves '
                f"({choices(RESERVED_NAMES)})."
            )
        if not schema.relation_types:
            extra_relations.append(RelationType(name=relation.predicate))
        elif not schema.has_relation(relation.predicate):
            _reraise_for(f'relation "{relation.id}"', schema.relation_type, relation.predicate)
    if not extra_types and not extra_relations:
        return schema
    return schema.model_copy(
        update={
            "entity_types": schema.entity_types + tuple({t.name: t for t in extra_types}.values()),
            "relation_types": schema.relation_types + tuple({r.name: r for r in extra_relations}.values()),
        }
    )


def check_references(
    plan: WritePlan, stored_entities: Iterable[str], stored_documents: Iterable[str], url: str
) -> None:
    """Refuse a batch that refers to entities or documents neither in it nor stored.

    Raises:
        StoreError: naming the first dangling id and what refers to it; nothing is written.
    """
    stored = set(stored_entities)
    for entity_id, owner in plan.entity_refs.items():
        if entity_id not in stored:
            raise StoreError(_dangling(owner, "entity", entity_id, url))
    stored = set(stored_documents)
    for document_id, owner in plan.document_refs.items():
        if document_id not in stored:
            raise StoreError(_dangling(owner, "document", document_id, url))


def _dangling(owner: str, kind: str, missing: str, url: str) -> str:
    return (
        f'{owner} refers to {kind} "{missing}", which is neither in the batch nor in the store "{url}"; '
        f"nothing of the batch was written. Write the {kind} first or in the same batch."
    )


def _label_removals(plan: WritePlan, stored_types: dict[str, str]) -> list[Step]:
    """Steps dropping the old type label of stored entities whose type this batch changes."""
    changed: dict[str, list[str]] = {}
    for entity_id, new_type in sorted(plan.entity_types.items()):
        old_type = stored_types.get(entity_id)
        if old_type is not None and old_type != new_type:
            changed.setdefault(old_type, []).append(entity_id)
    steps = []
    for old_type, rows in sorted(changed.items()):
        # The old type came from our own database; it may predate the registered schema.
        schema = plan.schema
        if not schema.has_entity_type(old_type):
            schema = schema.model_copy(
                update={"entity_types": (*schema.entity_types, EntityType(name=old_type))}
            )
        statement = cypher.remove_entity_label(schema, old_type)
        steps.append(Step(f"remove_entity_label[{old_type}]", statement, rows, list_param="ids"))
    return steps


def _reraise_for(owner: str, lookup: Callable[[str], object], name: str) -> None:
    """Call the schema ``lookup`` that raises for ``name``, prefixing its message with ``owner``."""
    try:
        lookup(name)
    except SchemaError as exc:
        raise type(exc)(f"{owner}: {exc}") from None


def _merged_entities(entities: Iterable[Entity]) -> dict[str, Entity]:
    """One entity per id: the later type and name win, aliases are united in first-seen order."""
    merged: dict[str, Entity] = {}
    for entity in entities:
        prior = merged.get(entity.id)
        aliases = (prior.aliases if prior else ()) + entity.aliases
        merged[entity.id] = entity.model_copy(update={"aliases": tuple(dict.fromkeys(aliases))})
    return merged


def _merged_relations(relations: Iterable[Relation]) -> dict[str, Relation]:
    """One relation per id: evidence united by key (first copy wins), max confidence, hedged if all were."""
    merged: dict[str, Relation] = {}
    for relation in relations:
        rid = relation.id
        prior = merged.get(rid)
        if prior is not None:
            relation = prior.model_copy(
                update={
                    "confidence": max(prior.confidence, relation.confidence),
                    "hedged": prior.hedged and relation.hedged,
                    "evidence": prior.evidence + relation.evidence,
                }
            )
        unique: dict[str, Evidence] = {}
        for evidence in relation.evidence:
            unique.setdefault(evidence.key, evidence)  # the first copy of a key wins
        merged[rid] = relation.model_copy(update={"evidence": tuple(unique.values())})
    return merged


def _document_fact_rows(relations: dict[str, Relation]) -> list[dict[str, Any]]:
    """Per document, the ``predicate<sep>id`` keys of the relations its evidence supports."""
    keys: dict[str, list[str]] = {}
    for rid, relation in sorted(relations.items()):
        key = relation.predicate + cypher.FACT_KEY_SEPARATOR + rid
        for document_id in dict.fromkeys(e.document_id for e in relation.evidence):
            keys.setdefault(document_id, []).append(key)
    return [{"document_id": d, "keys": k} for d, k in sorted(keys.items())]


def _fact_keys_by_predicate(records: list[Any]) -> list[tuple[str, list[str]]]:
    """``DocumentFacts`` keys grouped into (predicate, sorted relation ids)."""
    grouped: dict[str, list[str]] = {}
    for record in records:
        for key in record["keys"] or ():
            predicate, _, rid = key.partition(cypher.FACT_KEY_SEPARATOR)
            grouped.setdefault(predicate, []).append(rid)
    return [(p, sorted(ids)) for p, ids in sorted(grouped.items())]


def _grouped(items: Iterable[_T], key: Callable[[_T], str]) -> list[tuple[str, list[_T]]]:
    groups: dict[str, list[_T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return sorted(groups.items(), key=itemgetter(0))


def _slices(items: Sequence[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(items), cypher.ROWS_PER_STATEMENT):
        yield list(items[start : start + cypher.ROWS_PER_STATEMENT])


def _run(tx: ManagedTransaction, name: str, statement: str, **params: Any) -> list[Any]:
    _log_statement(name, statement, params.get("rows", params.get("ids")))
    return list(tx.run(statement, params))


def _log_statement(name: str, statement: str, rows: Sequence[object] | None = None) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        size = "" if rows is None else f" ({len(rows)} rows)"
        logger.debug("neo4j: %s%s: %.300s", name, size, " ".join(statement.split()))


# --------------------------------------------------------------------------- rows <-> models


def _document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "source": document.source,
        "text": document.text,
        "metadata": json.dumps(document.metadata, sort_keys=True),
    }


def _entity_row(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "type": entity.type,
        "name": entity.name,
        "name_key": normalise_name(entity.name),
        "aliases": list(entity.aliases),
        "alias_keys": [normalise_name(a) for a in entity.aliases],
    }


def _mention_row(mention: Mention) -> dict[str, Any]:
    return {**mention.model_dump(), "id": mention.id}


def _relation_row(relation_id: str, relation: Relation) -> dict[str, Any]:
    evidence = relation.evidence
    return {
        "id": relation_id,
        "subject": relation.subject,
        "object": relation.object,
        "negated": relation.negated,
        "hedged": relation.hedged,
        "confidence": relation.confidence,
        "ev_keys": [e.key for e in evidence],
        "ev_docs": [e.document_id for e in evidence],
        "ev_chunks": [_NO_CHUNK if e.chunk_id is None else e.chunk_id for e in evidence],
        "ev_starts": [_NO_OFFSET if e.start is None else e.start for e in evidence],
        "ev_ends": [_NO_OFFSET if e.end is None else e.end for e in evidence],
        "ev_sentences": [e.sentence for e in evidence],
        "ev_extractors": [e.extractor for e in evidence],
    }


def _document(r: Any) -> Document:
    return Document(
        id=r["id"], source=r["source"] or "", text=r["text"], metadata=json.loads(r["metadata"] or "{}")
    )


def _entity(record: Any) -> Entity:
    return Entity(
        id=record["id"], type=record["type"], name=record["name"], aliases=tuple(record["aliases"] or ())
    )


def _relation(record: Any) -> Relation:
    return Relation(
        subject=record["subject"],
        predicate=record["predicate"],
        object=record["object"],
        negated=record["negated"],
        hedged=record["hedged"],
        confidence=record["confidence"],
        evidence=_evidence(record["evidence"]),
    )


def _evidence(lists: dict[str, list[Any]] | None) -> tuple[Evidence, ...]:
    """Evidence from its parallel lists, in the SQLite store's order (document, offsets, extractor, key)."""
    if not lists or not lists.get("ev_docs"):
        return ()
    rows = zip(
        lists["ev_docs"],
        lists["ev_chunks"],
        lists["ev_starts"],
        lists["ev_ends"],
        lists["ev_sentences"],
        lists["ev_extractors"],
        strict=True,
    )
    evidence = [
        Evidence(
            document_id=doc,
            chunk_id=None if chunk == _NO_CHUNK else chunk,
            start=None if start == _NO_OFFSET else start,
            end=None if end == _NO_OFFSET else end,
            sentence=sentence,
            extractor=extractor,
        )
        for doc, chunk, start, end, sentence, extractor in rows
    ]
    return tuple(sorted(evidence, key=_evidence_order))


def _evidence_order(e: Evidence) -> tuple[Any, ...]:
    # SQLite sorts NULL before any number, so a missing offset comes first here too.
    return (
        e.document_id,
        e.start is not None,
        e.start or 0,
        e.end is not None,
        e.end or 0,
        e.extractor,
        e.key,
    )


__all__ = ["Neo4jStore", "map_driver_errors"]
