"""``SQLiteStore``: the embedded default ``GraphStore``, one SQLite file (or ``:memory:``).

The tables are in ``_schema.sql``. Every ``write`` is one transaction of ``executemany``
upserts whose ``ON CONFLICT`` clauses are the merge rules of ``kgsynth.store.base``, so
re-writing a batch changes nothing and a failing batch leaves nothing behind. Checks that a
batch is sound (schema names, the entities it refers to) are done set-wise, once per batch,
never once per row. Reads page by key (``WHERE key > ? ORDER BY key LIMIT n``), so iterating
a graph of millions of relations keeps memory flat. Every ``sqlite3`` error is re-raised here
as a ``StoreError`` naming the file.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from rapidfuzz import fuzz

from kgsynth.errors import SchemaError, StoreError
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
    normalise_name,
    relation_id,
)
from kgsynth.store import _sqlite_format
from kgsynth.store._matching import candidate_budget, name_matches, ranked_fuzzy, trigrams, types_under
from kgsynth.store._sqlite_format import FORMAT_VERSION, missing_store_message, schema_script
from kgsynth.store.base import DEFAULT_BATCH_SIZE, Direction

logger = logging.getLogger(__name__)

#: Score of an entity found through one of its aliases rather than its name.


#: Page size of new files. A commit rewrites every page it touched of the randomly-keyed indexes,
#: so fewer, bigger pages cost less per commit. Measured with scripts/bench_store.py (1M relations,
#: 10k per batch, store rate as a fraction of plain executemany): 4 KiB 0.16x, 8 KiB 0.17-0.18x,
#: 16 KiB 0.19-0.20x, 32 KiB 0.18x. Set before the first table exists; existing files keep theirs.
PAGE_SIZE = 16384

_PRAGMAS = (
    "PRAGMA synchronous = NORMAL",  # with WAL: durable at checkpoints, no fsync per commit
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -65536",  # 64 MiB page cache: a fixed ceiling however big the graph
)

#: The read-only indexes ``bulk_load`` drops and recreates: none of them is needed by a write or a
#: merge rule (those use the primary keys and the UNIQUE constraints: entity id, relation id_key,
#: alias per entity, evidence key per relation). Their keys arrive in random order, so while they
#: exist every commit rewrites most of their pages; one CREATE INDEX at the end sorts them instead.
#: Recreated by ``_schema.sql`` (CREATE INDEX IF NOT EXISTS) on every open, so a process that dies
#: inside ``bulk_load`` leaves a file whose next open restores them.
DEFERRED_INDEXES = (
    "documents_by_source",
    "chunks_by_document",
    "entities_by_norm",
    "aliases_by_norm",
    "mentions_by_entity",
    "relations_by_subject",
    "relations_by_object",
    "relations_by_predicate",
    "evidence_by_document",
)

_DROP_DEFERRED = "".join(f"DROP INDEX IF EXISTS {name};\n" for name in DEFERRED_INDEXES)

_TABLES = ("meta", "documents", "chunks", "entities", "aliases", "mentions", "relations", "evidence")
_FTS_TABLES = ("entity_names_fts", "alias_names_fts")

#: A JSON array parameter as a set, so a whole list of keys is one bound value.
_IN = "(SELECT value FROM json_each(?))"
_REF_OF = "(SELECT ref FROM entities WHERE id = ?)"
#: An entity row, and whether it has aliases (so entities without any cost no alias query).
_ENTITY_COLUMNS = "ref, id, type, name, EXISTS (SELECT 1 FROM aliases WHERE entity_ref = entities.ref)"
_ID_PREFIX = "rel:"  # model.relation_id: "rel:" + 16 hex digits
_RELATION_COLUMNS = "seq, id_key, subject, predicate, object, negated, hedged, confidence"
_EVIDENCE_ORDER = 'document_id, start, "end", extractor, key'

_UPSERT_DOCUMENT = """
    INSERT INTO documents (id, source, text, metadata) VALUES (?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET source = excluded.source, text = excluded.text,
        metadata = excluded.metadata"""
_UPSERT_CHUNK = """
    INSERT INTO chunks (id, document_id, start, "end", text) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET document_id = excluded.document_id, start = excluded.start,
        "end" = excluded."end", text = excluded.text"""
# The WHERE keeps a re-write of an unchanged entity from rewriting its row.
_UPSERT_ENTITY = """
    INSERT INTO entities (id, type, name, norm) VALUES (?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name, norm = excluded.norm
    WHERE entities.type IS NOT excluded.type OR entities.name IS NOT excluded.name"""
_INSERT_ALIAS = """
    INSERT OR IGNORE INTO aliases (entity_ref, alias, norm) SELECT ref, ?, ? FROM entities WHERE id = ?"""
_UPSERT_MENTION = """
    INSERT INTO mentions (document_id, start, "end", entity_id, entity_ref, chunk_id, text, sentence)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET chunk_id = excluded.chunk_id, text = excluded.text,
        sentence = excluded.sentence"""
# Confidence is the maximum and hedged stays true only while every write was hedged; the WHERE
# skips the row write when neither would change, which makes re-writes nearly free.
_UPSERT_RELATION = """
    INSERT INTO relations
        (id_key, subject_ref, object_ref, subject, predicate, object, negated, hedged, confidence)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id_key) DO UPDATE SET confidence = max(relations.confidence, excluded.confidence),
        hedged = relations.hedged AND excluded.hedged
    WHERE excluded.confidence > relations.confidence OR (relations.hedged AND NOT excluded.hedged)"""
_INSERT_EVIDENCE = """
    INSERT OR IGNORE INTO evidence
        (relation_seq, key, document_id, chunk_id, start, "end", sentence, extractor)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""


class SQLiteStore:
    """A graph store in one SQLite file (WAL mode), or in memory for ``":memory:"``.

    Example:
        >>> with SQLiteStore(":memory:") as store:
        ...     store.stats().entities
        0
    """

    def __init__(self, path: str, *, create: bool = True) -> None:
        """Open the store at ``path``; with ``create=False`` refuse a file that does not exist yet.

        Raises:
            StoreError: the file is missing (``create=False``), not SQLite, another program's
                database, or a store of another format (see ``_sqlite_format``); nothing is written.
        """
        self.url = path
        self._conn: sqlite3.Connection | None = None
        self._bulk_depth = 0
        try:
            with self._sql("open the database"):
                self._conn = self._connect(create)
                self._prepare(self._conn, create)
            self._schema = self._load_schema()
        except BaseException:
            self.close()
            raise

    def _in_memory(self) -> bool:
        return self.url == ":memory:" or self.url.startswith("file::memory:")

    def _connect(self, create: bool) -> sqlite3.Connection:
        if create or self._in_memory():
            return sqlite3.connect(self.url, isolation_level=None)
        # mode=rw: open only what exists, so a mistyped path is refused instead of made.
        uri = f"{Path(self.url).absolute().as_uri()}?mode=rw"
        try:
            return sqlite3.connect(uri, uri=True, isolation_level=None)
        except sqlite3.OperationalError as exc:
            if Path(self.url).exists():
                raise
            raise StoreError(missing_store_message(self.url)) from exc

    def _prepare(self, conn: sqlite3.Connection, create: bool) -> None:
        """Refuse a file that is not a store of ours (before writing anything), then set it up."""
        if logger.isEnabledFor(logging.DEBUG):
            conn.set_trace_callback(lambda statement: logger.debug("sql: %.300s", statement))
        version = _sqlite_format.inspect_file(conn, self.url, create=create or self._in_memory())
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if not self._in_memory():
            conn.execute("PRAGMA journal_mode = WAL")
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        if version and version < _sqlite_format.FORMAT_VERSION:
            _sqlite_format.migrate(conn, version)
        conn.executescript(schema_script())
        if version != _sqlite_format.FORMAT_VERSION:
            conn.execute(f"PRAGMA user_version = {_sqlite_format.FORMAT_VERSION}")

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        if self._conn is not None:
            with self._sql("close"):
                self._conn.close()
            self._conn = None

    def clear(self) -> None:
        """Delete everything the store holds, the registered schema included."""
        drops = "".join(f"DROP TABLE IF EXISTS {table};\n" for table in _FTS_TABLES + _TABLES)
        with self._sql("clear"):
            self._script(f"{drops}{schema_script()}{_DROP_DEFERRED if self._bulk_depth else ''}")
        self._schema = Schema()

    @contextmanager
    def bulk_load(self) -> Iterator[SQLiteStore]:
        """Load many batches fast: the read indexes are dropped now and rebuilt once on exit.

        WHY: the adjacency and name indexes get their keys in random order, so with them in place
        each commit rewrites most of their pages and a large load slows to a fraction of a plain
        insert; sorting the keys once in ``CREATE INDEX`` at the end is much cheaper. Inside the
        block every ``write`` is still one transaction with the same merge rules, checks and error
        messages, and reads and deletions still give the same answers, only without those
        indexes (slower). The indexes are rebuilt when the block exits, also on an exception; if
        the process dies inside it, the next open of the file rebuilds them. Nested blocks
        defer to the outermost one.

        Example:
            >>> with SQLiteStore(":memory:") as store, store.bulk_load():
            ...     store.stats().relations
            0
        """
        if self._bulk_depth:
            self._bulk_depth += 1
            try:
                yield self
            finally:
                self._bulk_depth -= 1
            return
        with self._sql("drop the read indexes for a bulk load"):
            self._script(_DROP_DEFERRED)
        self._bulk_depth = 1
        logger.debug("sqlite: bulk load into %s started, read indexes dropped", self.url)
        try:
            yield self
        finally:
            self._bulk_depth = 0
            if self._conn is None:
                logger.debug("sqlite: %s closed inside bulk_load; its next open rebuilds indexes", self.url)
            else:
                with self._sql("rebuild the read indexes after a bulk load"):
                    self._script(schema_script())
                logger.debug("sqlite: bulk load into %s done, read indexes rebuilt", self.url)

    def _script(self, script: str) -> None:
        """Run ``script`` as one transaction, rolled back whole if any statement fails."""
        try:
            self._db.executescript(f"BEGIN IMMEDIATE;\n{script}COMMIT;")
        except sqlite3.Error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ schema
    def schema(self) -> Schema:
        """The schema registered so far (empty if none)."""
        return self._schema

    def ensure_schema(self, schema: Schema) -> None:
        """Register ``schema``, merged into the one stored (stored types win on a name clash)."""
        merged = self._schema.merge(schema) if self._registered() else schema
        with self._transaction("register the schema"):
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('schema', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (merged.model_dump_json(),),
            )
        self._schema = merged

    # ------------------------------------------------------------------ writes
    def write(self, batch: GraphBatch) -> None:
        """Write the batch in one transaction; see ``GraphStore.write``."""
        self._check_names(batch)
        with self._transaction(f"write a batch of {len(batch)} rows"):
            db = self._db
            db.executemany(
                _UPSERT_DOCUMENT,
                [(d.id, d.source, d.text, json.dumps(d.metadata, sort_keys=True)) for d in batch.documents],
            )
            db.executemany(
                _UPSERT_CHUNK, [(c.id, c.document_id, c.start, c.end, c.text) for c in batch.chunks]
            )
            self._write_entities(batch.entities)
            refs = self._refs_for(batch)
            db.executemany(
                _UPSERT_MENTION,
                [
                    (
                        m.document_id,
                        m.start,
                        m.end,
                        m.entity_id,
                        refs[m.entity_id],
                        m.chunk_id,
                        m.text,
                        m.sentence,
                    )
                    for m in batch.mentions
                ],
            )
            self._write_relations(batch.relations, refs)
        logger.debug("sqlite: wrote %d rows to %s", len(batch), self.url)

    def _write_entities(self, entities: Sequence[Entity]) -> None:
        """Upsert entities and their aliases, then index the new names for fuzzy lookup in bulk.

        Rows inserted by this write are the ones above the highest rowid before it, so two
        ``INSERT ... SELECT`` statements index them all. An entity given twice in the batch is
        merged first, so the rename trigger only ever sees rows that were already indexed.
        """
        db = self._db
        if len({entity.id for entity in entities}) < len(entities):
            entities = _merge_repeats(entities)
        entities_before = db.execute("SELECT coalesce(max(ref), 0) FROM entities").fetchone()[0]
        aliases_before = db.execute("SELECT coalesce(max(rowid), 0) FROM aliases").fetchone()[0]
        db.executemany(_UPSERT_ENTITY, [(e.id, e.type, e.name, normalise_name(e.name)) for e in entities])
        db.executemany(_INSERT_ALIAS, [(a, normalise_name(a), e.id) for e in entities for a in e.aliases])
        db.execute(
            "INSERT INTO entity_names_fts (rowid, norm) SELECT ref, norm FROM entities WHERE ref > ?",
            (entities_before,),
        )
        db.execute(
            "INSERT INTO alias_names_fts (rowid, norm) SELECT rowid, norm FROM aliases WHERE rowid > ?",
            (aliases_before,),
        )

    def _refs_for(self, batch: GraphBatch) -> dict[str, int]:
        """The ref of every entity the batch's relations and mentions name, in one query.

        Raises:
            StoreError: naming the first relation or mention whose entity is nowhere.
        """
        wanted = {r.subject for r in batch.relations} | {r.object for r in batch.relations}
        wanted |= {m.entity_id for m in batch.mentions}
        if not wanted:
            return {}
        refs = dict(
            self._db.execute(f"SELECT id, ref FROM entities WHERE id IN {_IN}", (json.dumps(list(wanted)),))
        )
        if len(refs) < len(wanted):
            raise StoreError(self._dangling(batch, wanted - refs.keys()))
        return refs

    def _dangling(self, batch: GraphBatch, missing: set[str]) -> str:
        """The message for the first relation or mention (in batch order) whose entity is missing."""
        owners = [(f'relation "{r.id}"', end) for r in batch.relations for end in (r.subject, r.object)]
        owners += [(f'mention "{m.id}" in document "{m.document_id}"', m.entity_id) for m in batch.mentions]
        owner, entity = next((owner, entity) for owner, entity in owners if entity in missing)
        return (
            f'{owner} refers to entity "{entity}", which is neither in the batch nor in the store '
            f'"{self.url}"; nothing of the batch was written. Write the entity first or in the same batch.'
        )

    def _write_relations(self, relations: Sequence[Relation], refs: dict[str, int]) -> None:
        keys = [_id_key(relation.id) for relation in relations]
        self._db.executemany(
            _UPSERT_RELATION,
            [
                (
                    key,
                    refs[r.subject],
                    refs[r.object],
                    r.subject,
                    r.predicate,
                    r.object,
                    r.negated,
                    r.hedged,
                    r.confidence,
                )
                for key, r in zip(keys, relations, strict=True)
            ],
        )
        if not any(r.evidence for r in relations):
            return
        seqs = dict(
            self._db.execute(f"SELECT id_key, seq FROM relations WHERE id_key IN {_IN}", (json.dumps(keys),))
        )
        self._db.executemany(
            _INSERT_EVIDENCE,
            [
                (seqs[key], e.key, e.document_id, e.chunk_id, e.start, e.end, e.sentence, e.extractor)
                for key, r in zip(keys, relations, strict=True)
                for e in r.evidence
            ],
        )

    def _check_names(self, batch: GraphBatch) -> None:
        """Refuse entity types and predicates the registered schema lacks, naming the first offender."""
        schema = self._schema
        if schema.entity_types:
            known = {t.name for t in schema.entity_types}
            for entity in batch.entities:
                if entity.type not in known:
                    _reraise_for(f'entity "{entity.id}"', schema.entity_type, entity.type)
        if schema.relation_types:
            known = {r.name for r in schema.relation_types}
            for relation in batch.relations:
                if relation.predicate not in known:
                    _reraise_for(f'relation "{relation.id}"', schema.relation_type, relation.predicate)

    def delete_document(self, document_id: str) -> DeletionReport:
        """Delete a document and every fact only it supported; see ``GraphStore.delete_document``."""
        with self._transaction(f'delete document "{document_id}"'):
            db = self._db
            if db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is None:
                raise StoreError(
                    f'no document "{document_id}" in the store "{self.url}"; nothing was deleted.'
                )
            self._reset_touched()
            db.execute(
                "INSERT OR IGNORE INTO _touched_relations "
                "SELECT relation_seq FROM evidence WHERE document_id = ?",
                (document_id,),
            )
            db.execute(
                "INSERT OR IGNORE INTO _touched_entities "
                "SELECT entity_ref FROM mentions WHERE document_id = ?",
                (document_id,),
            )
            evidence = db.execute("DELETE FROM evidence WHERE document_id = ?", (document_id,)).rowcount
            dead = (
                "SELECT t.seq FROM _touched_relations AS t "
                "WHERE NOT EXISTS (SELECT 1 FROM evidence AS e WHERE e.relation_seq = t.seq)"
            )
            db.execute(
                "INSERT OR IGNORE INTO _touched_entities "
                f"SELECT subject_ref FROM relations WHERE seq IN ({dead}) "
                f"UNION SELECT object_ref FROM relations WHERE seq IN ({dead})"
            )
            relations = db.execute(f"DELETE FROM relations WHERE seq IN ({dead})").rowcount
            mentions = db.execute("DELETE FROM mentions WHERE document_id = ?", (document_id,)).rowcount
            chunks = db.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,)).rowcount
            documents = db.execute("DELETE FROM documents WHERE id = ?", (document_id,)).rowcount
            entities = self._delete_abandoned_entities()
        return DeletionReport(
            document_id=document_id,
            documents=documents,
            chunks=chunks,
            mentions=mentions,
            evidence=evidence,
            relations=relations,
            entities=entities,
        )

    def _reset_touched(self) -> None:
        """Empty the temp tables that collect what a deletion touched (relations by seq, entities by ref)."""
        db = self._db
        for table, key in (("_touched_relations", "seq"), ("_touched_entities", "ref")):
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({key} INTEGER PRIMARY KEY)")
            db.execute(f"DELETE FROM {table}")

    def _delete_abandoned_entities(self) -> int:
        """Delete touched entities left with no mention and no relation; return how many."""
        abandoned = (
            "SELECT t.ref FROM _touched_entities AS t "
            "WHERE NOT EXISTS (SELECT 1 FROM mentions AS m WHERE m.entity_ref = t.ref) "
            "AND NOT EXISTS (SELECT 1 FROM relations AS r WHERE r.subject_ref = t.ref) "
            "AND NOT EXISTS (SELECT 1 FROM relations AS r WHERE r.object_ref = t.ref)"
        )
        self._db.execute(f"DELETE FROM aliases WHERE entity_ref IN ({abandoned})")
        return self._db.execute(f"DELETE FROM entities WHERE ref IN ({abandoned})").rowcount

    # ------------------------------------------------------------------ reads: entities
    def get_document(self, document_id: str) -> Document | None:
        """The document with this id, or None."""
        row = self._fetchone("SELECT id, source, text, metadata FROM documents WHERE id = ?", (document_id,))
        if row is None:
            return None
        return Document(id=row[0], source=row[1], text=row[2], metadata=json.loads(row[3]))

    def iter_documents(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Document]]:
        """All documents in id order, ``batch_size`` at a time (a lossless export reads them all)."""
        after = ""
        while rows := self._fetchall(
            "SELECT id, source, text, metadata FROM documents WHERE id > ? ORDER BY id LIMIT ?",
            (after, batch_size),
        ):
            yield [Document(id=r[0], source=r[1], text=r[2], metadata=json.loads(r[3])) for r in rows]
            after = rows[-1][0]

    def chunks(self, document_id: str) -> list[Chunk]:
        """The chunks of one document, in text order."""
        rows = self._fetchall(
            'SELECT id, document_id, start, "end", text FROM chunks WHERE document_id = ? ORDER BY start, id',
            (document_id,),
        )
        return [Chunk(id=r[0], document_id=r[1], start=r[2], end=r[3], text=r[4]) for r in rows]

    def document_ids(self, source: str) -> list[str]:
        """Ids of the stored documents read from ``source`` (a path), sorted."""
        return [
            row[0]
            for row in self._fetchall("SELECT id FROM documents WHERE source = ? ORDER BY id", (source,))
        ]

    def get_entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        found = self._entities_where("id = ?", (entity_id,))
        return found[0] if found else None

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
        norm = normalise_name(name)
        if not norm or limit <= 0:
            return []
        types = self._types_under(type)
        matches = name_matches(*self._named(norm, types))
        if fuzzy and len(matches) < limit:
            found = {m.entity.id for m in matches}
            matches += self._fuzzy_matches(norm, types, found, min_score, limit - len(matches))
        return matches[:limit]

    def _named(self, norm: str, types: list[str] | None) -> tuple[list[Entity], list[Entity]]:
        """Entities named, and entities aliased, ``norm`` (normalised): one query, each list in id order."""
        type_filter, type_params = "", ()
        if types is not None:
            type_filter, type_params = f" AND type IN {_IN}", (json.dumps(types),)
        rows = self._fetchall(
            f"SELECT 0 AS via, {_ENTITY_COLUMNS} FROM entities WHERE norm = ?{type_filter} UNION ALL "
            f"SELECT 1, {_ENTITY_COLUMNS} FROM entities "
            f"WHERE ref IN (SELECT entity_ref FROM aliases WHERE norm = ?){type_filter} ORDER BY via, id",
            (norm, *type_params, norm, *type_params),
        )
        entities = self._with_aliases([row[1:] for row in rows])
        by_name = [entity for row, (_, entity) in zip(rows, entities, strict=True) if row[0] == 0]
        by_alias = [entity for row, (_, entity) in zip(rows, entities, strict=True) if row[0] == 1]
        return by_name, by_alias

    def _fuzzy_matches(
        self, norm: str, types: list[str] | None, exclude: set[str], min_score: float, limit: int
    ) -> list[EntityMatch]:
        """Near matches: trigram FTS candidates, scored exactly with ``fuzz.ratio`` on normalised names."""
        grams = trigrams(norm)
        if not grams:
            return []  # under three characters there is nothing to index; only exact matches count
        query = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        wanted = candidate_budget(limit, exclude)
        rows = self._fetchall(
            "SELECT e.ref, e.norm FROM entity_names_fts AS f JOIN entities AS e ON e.ref = f.rowid "
            "WHERE entity_names_fts MATCH ? ORDER BY f.rank LIMIT ?",
            (query, wanted),
        ) + self._fetchall(
            "SELECT a.entity_ref, a.norm FROM alias_names_fts AS f JOIN aliases AS a ON a.rowid = f.rowid "
            "WHERE alias_names_fts MATCH ? ORDER BY f.rank LIMIT ?",
            (query, wanted),
        )
        scores: dict[int, float] = {}
        for ref, candidate in rows:
            score = fuzz.ratio(norm, candidate) / 100.0
            if score >= min_score:
                scores[ref] = max(score, scores.get(ref, 0.0))
        by_ref = self._entity_rows(f"ref IN {_IN}", (json.dumps(sorted(scores)),), types, None)
        return ranked_fuzzy(
            ((scores[ref], entity) for ref, entity in by_ref if entity.id not in exclude), limit
        )

    def _types_under(self, type_name: str | None) -> list[str] | None:
        return types_under(self._schema, type_name)

    def mentions(self, *, document_id: str | None = None, entity_id: str | None = None) -> list[Mention]:
        """Mentions of a document and/or an entity, in document order (document id, then offsets)."""
        clauses, params = [], []
        if document_id is not None:
            clauses.append("document_id = ?")
            params.append(document_id)
        if entity_id is not None:
            clauses.append(f"entity_ref = {_REF_OF}")
            params.append(entity_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._fetchall(
            'SELECT entity_id, document_id, chunk_id, start, "end", text, sentence FROM mentions'
            f'{where} ORDER BY document_id, start, "end", entity_id',
            params,
        )
        return [
            Mention(
                entity_id=r[0],
                document_id=r[1],
                chunk_id=r[2],
                start=r[3],
                end=r[4],
                text=r[5],
                sentence=r[6],
            )
            for r in rows
        ]

    # ------------------------------------------------------------------ reads: relations
    def relations(
        self,
        *,
        subject: str | None = None,
        predicate: str | None = None,
        object: str | None = None,
        negated: bool | None = None,
        limit: int | None = None,
    ) -> list[Relation]:
        """Relations matching every given field, with their evidence, ordered by id.

        Both ends given (the fact checker's question, "what links A and B?"): the object's
        relation numbers come from its index alone, and each is looked up in the subject's index,
        so only the relations that match are read from the table (about twice as fast as reading
        every relation of one end to test the other).
        """
        clauses, params = [], []
        by_object = f"object_ref = {_REF_OF}"
        if subject is not None and object is not None:
            by_object = f"seq IN (SELECT seq FROM relations WHERE object_ref = {_REF_OF})"
        for clause, value in (
            (f"subject_ref = {_REF_OF}", subject),
            (by_object, object),
            ("predicate = ?", predicate),
            ("negated = ?", None if negated is None else int(negated)),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._relations_where(where, tuple(params), limit)

    def relations_by_id(self, ids: Sequence[str]) -> list[Relation]:
        """The stored relations among ``ids``, with evidence, ordered by id; unknown ids are left out."""
        keys = sorted({key for key in map(_id_key_or_none, ids) if key is not None})
        if not keys:
            return []
        return self._relations_where(f" WHERE id_key IN {_IN}", (json.dumps(keys),), None)

    def holds(self, subject: str, predicate: str, object: str) -> Relation | None:
        """The positive relation ``subject -predicate-> object`` with its evidence, or None."""
        key = _id_key(relation_id(subject, predicate, object, False))
        found = self._relations_where(" WHERE id_key = ?", (key,), 1)
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
        ends = {"out": ("subject_ref",), "in": ("object_ref",), "both": ("subject_ref", "object_ref")}
        if direction not in ends:
            raise StoreError(f'direction "{direction}" is not one of: both, in, out.')
        seqs = " UNION ".join(f"SELECT seq FROM relations WHERE {end} = {_REF_OF}" for end in ends[direction])
        predicate_filter, predicate_params = _predicate_filter(predicates)
        return self._relations_where(
            f" WHERE seq IN ({seqs}){predicate_filter}",
            (*[entity_id] * len(ends[direction]), *predicate_params),
            limit,
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

        Breadth first; within a hop, entities are taken in id order until ``limit`` is reached.
        ``limit`` also caps the relations returned (in id order).
        """
        seed = self._fetchone("SELECT ref FROM entities WHERE id = ?", (entity_id,))
        if seed is None:
            return Subgraph()
        reached, frontier = {seed[0]}, [seed[0]]
        predicate_filter, predicate_params = _predicate_filter(predicates)
        for _ in range(hops):
            if not frontier or len(reached) >= limit:
                break
            rows = self._fetchall(
                f"SELECT ref, id FROM entities WHERE ref IN ("
                f"SELECT object_ref FROM relations WHERE subject_ref IN {_IN}{predicate_filter} UNION "
                f"SELECT subject_ref FROM relations WHERE object_ref IN {_IN}{predicate_filter})",
                (json.dumps(frontier), *predicate_params, json.dumps(frontier), *predicate_params),
            )
            new = sorted((entity, ref) for ref, entity in rows if ref not in reached)
            frontier = [ref for _, ref in new[: limit - len(reached)]]
            reached.update(frontier)
        inside = json.dumps(sorted(reached))
        relations = self._relations_where(
            f" WHERE subject_ref IN {_IN} AND object_ref IN {_IN}{predicate_filter}",
            (inside, inside, *predicate_params),
            limit,
        )
        entities = self._entities_where(f"ref IN {_IN}", (inside,))
        return Subgraph(entities=tuple(entities), relations=tuple(relations))

    # ------------------------------------------------------------------ reads: whole graph
    def stats(self) -> GraphStats:
        """Counts by kind, entity type and predicate, and entities with no relation."""
        counts = {
            table: self._fetchone(f"SELECT count(*) FROM {table}", ())[0]
            for table in ("documents", "chunks", "entities", "mentions", "relations", "evidence")
        }
        orphans = self._fetchone(
            "SELECT count(*) FROM entities AS e "
            "WHERE NOT EXISTS (SELECT 1 FROM relations AS r WHERE r.subject_ref = e.ref) "
            "AND NOT EXISTS (SELECT 1 FROM relations AS r WHERE r.object_ref = e.ref)",
            (),
        )[0]
        return GraphStats(
            **counts,
            entities_by_type=dict(self._fetchall("SELECT type, count(*) FROM entities GROUP BY type", ())),
            relations_by_predicate=dict(
                self._fetchall("SELECT predicate, count(*) FROM relations GROUP BY predicate", ())
            ),
            orphan_entities=orphans,
        )

    def iter_entities(self, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[Entity]]:
        """All entities in id order, ``batch_size`` at a time; each page is one keyset query."""
        after = ""
        while page := self._entities_where("id > ?", (after,), limit=batch_size):
            yield page
            after = page[-1].id

    def iter_relations(
        self, batch_size: int = DEFAULT_BATCH_SIZE, *, with_evidence: bool = True
    ) -> Iterator[list[Relation]]:
        """All relations in id order, ``batch_size`` at a time; each page is one keyset query."""
        page = self._relations_where("", (), batch_size, with_evidence)
        while page:
            yield page
            after = _id_key(page[-1].id)
            page = self._relations_where(" WHERE id_key > ?", (after,), batch_size, with_evidence)

    # ------------------------------------------------------------------ rows -> models
    def _entities_where(
        self,
        where: str,
        params: tuple[object, ...],
        types: list[str] | None = None,
        *,
        limit: int | None = None,
    ) -> list[Entity]:
        """Entities matching ``where`` (and of ``types`` if given), in id order, with their aliases."""
        return [entity for _, entity in self._entity_rows(where, params, types, limit)]

    def _entity_rows(
        self, where: str, params: tuple[object, ...], types: list[str] | None, limit: int | None
    ) -> list[tuple[int, Entity]]:
        """(ref, entity) pairs for ``_entities_where``; aliases come in one query for the whole page."""
        sql = f"SELECT {_ENTITY_COLUMNS} FROM entities WHERE {where}"
        if types is not None:
            sql += f" AND type IN {_IN}"
            params = (*params, json.dumps(types))
        sql += " ORDER BY id" + (f" LIMIT {int(limit)}" if limit is not None else "")
        return self._with_aliases(self._fetchall(sql, params))

    def _with_aliases(self, rows: Sequence[tuple]) -> list[tuple[int, Entity]]:
        """(ref, entity) pairs of ``_ENTITY_COLUMNS`` rows; the aliases of those flagged as having any
        come in one query for the whole page (most entities have none: then no second query)."""
        aliases: dict[int, list[str]] = {}
        aliased = [row[0] for row in rows if row[4]]
        if aliased:
            for ref, alias in self._fetchall(
                f"SELECT entity_ref, alias FROM aliases WHERE entity_ref IN {_IN} ORDER BY rowid",
                (json.dumps(aliased),),
            ):
                aliases.setdefault(ref, []).append(alias)
        return [
            (row[0], Entity(id=row[1], type=row[2], name=row[3], aliases=tuple(aliases.get(row[0], ()))))
            for row in rows
        ]

    def _relations_where(
        self, where: str, params: tuple[object, ...], limit: int | None, with_evidence: bool = True
    ) -> list[Relation]:
        """Relations matching ``where`` (a clause starting with a space), in id order, with evidence."""
        sql = f"SELECT {_RELATION_COLUMNS} FROM relations{where} ORDER BY id_key"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._fetchall(sql, params)
        evidence: dict[int, list[dict[str, object]]] = {}
        if rows and with_evidence:
            for r in self._fetchall(
                'SELECT relation_seq, document_id, chunk_id, start, "end", sentence, extractor FROM evidence '
                f"WHERE relation_seq IN {_IN} ORDER BY relation_seq, {_EVIDENCE_ORDER}",
                (json.dumps([row[0] for row in rows]),),
            ):
                evidence.setdefault(r[0], []).append(
                    {
                        "document_id": r[1],
                        "chunk_id": r[2],
                        "start": r[3],
                        "end": r[4],
                        "sentence": r[5],
                        "extractor": r[6],
                    }
                )
        return [
            Relation(
                subject=row[2],
                predicate=row[3],
                object=row[4],
                negated=bool(row[5]),
                hedged=bool(row[6]),
                confidence=row[7],
                evidence=tuple(evidence.get(row[0], ())),
            )
            for row in rows
        ]

    # ------------------------------------------------------------------ plumbing
    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f'the SQLite store "{self.url}" is closed.')
        return self._conn

    @contextmanager
    def _sql(self, action: str) -> Iterator[None]:
        """Re-raise any sqlite3 error as a StoreError naming the file and what was being done."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(action, exc) from exc

    def _error(self, action: str, exc: sqlite3.Error) -> StoreError:
        return StoreError(f'SQLite store "{self.url}": could not {action}: {exc}')

    @contextmanager
    def _transaction(self, action: str) -> Iterator[None]:
        """One write transaction: committed if the body returns, rolled back on any exception."""
        with self._sql(action):
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # a failed COMMIT leaves the transaction open
                    db.execute("ROLLBACK")
                raise

    def _fetchall(self, sql: str, params: Sequence[object]) -> list[tuple]:
        # As ``_sql("read")``, without a context manager: reads are the checker's inner loop.
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error("read", exc) from exc

    def _fetchone(self, sql: str, params: Sequence[object]) -> tuple | None:
        with self._sql("read"):
            return self._db.execute(sql, params).fetchone()

    def _load_schema(self) -> Schema:
        row = self._fetchone("SELECT value FROM meta WHERE key = 'schema'", ())
        return Schema.model_validate_json(row[0]) if row else Schema()

    def _registered(self) -> bool:
        return self._fetchone("SELECT 1 FROM meta WHERE key = 'schema'", ()) is not None


def _id_key(relation_id: str) -> int:
    """``Relation.id`` (``rel:`` + 16 hex digits) as a signed 64-bit integer that sorts like the id."""
    return int(relation_id[len(_ID_PREFIX) :], 16) - (1 << 63)


def _id_key_or_none(text: str) -> int | None:
    """The id key of ``text`` if it has the form of a relation id, else None (it names nothing stored)."""
    if len(text) != len(_ID_PREFIX) + 16 or not text.startswith(_ID_PREFIX):
        return None
    try:
        return _id_key(text)
    except ValueError:
        return None


def _merge_repeats(entities: Sequence[Entity]) -> list[Entity]:
    """One entity per id, by the merge rules: the last type and name win, aliases are united in order."""
    merged: dict[str, Entity] = {}
    for entity in entities:
        known = merged.get(entity.id)
        if known is not None:
            aliases = known.aliases + tuple(a for a in entity.aliases if a not in known.aliases)
            entity = entity.model_copy(update={"aliases": aliases})
        merged[entity.id] = entity
    return list(merged.values())


def _reraise_for(owner: str, lookup: Callable[[str], object], name: str) -> None:
    """Call the schema ``lookup`` that raises for ``name``, prefixing its message with ``owner``."""
    try:
        lookup(name)
    except SchemaError as exc:
        raise type(exc)(f"{owner}: {exc}") from None


def _predicate_filter(predicates: Sequence[str] | None) -> tuple[str, tuple[object, ...]]:
    """`` AND predicate IN (...)`` for a predicate list, or nothing for None."""
    if predicates is None:
        return "", ()
    return f" AND predicate IN {_IN}", (json.dumps(list(predicates)),)


__all__ = ["DEFERRED_INDEXES", "FORMAT_VERSION", "SQLiteStore"]
