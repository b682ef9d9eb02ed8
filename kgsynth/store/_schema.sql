-- Tables of the SQLite graph store (kgsynth/store/sqlite.py). Run on every open: idempotent.
--
-- Why it looks like this: writes are bound by the b-tree indexes whose keys arrive in random
-- order (content-hash ids, entity ids). Every such index has most of its pages rewritten by every
-- commit once the graph is large, so those indexes are kept few and thin: integer keys (entity
-- refs, the relation id as a 64-bit integer) instead of text. Tables whose rows arrive in order
-- (relations and evidence by seq, mentions by document) grow at their end and cost little.
-- The plain (non-UNIQUE) indexes serve reads only: SQLiteStore.bulk_load drops them (sqlite.py
-- DEFERRED_INDEXES) and this script, run again at its end or on the next open, rebuilds them.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS documents (
    id       TEXT PRIMARY KEY,
    source   TEXT NOT NULL,
    text     TEXT NOT NULL,
    metadata TEXT NOT NULL            -- JSON object
);
CREATE INDEX IF NOT EXISTS documents_by_source ON documents (source);

CREATE TABLE IF NOT EXISTS chunks (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (document_id);

-- ref is the explicit rowid (VACUUM keeps it), used by relations, mentions, aliases and FTS.
CREATE TABLE IF NOT EXISTS entities (
    ref  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    norm TEXT NOT NULL                -- model.normalise_name(name)
);
CREATE INDEX IF NOT EXISTS entities_by_norm ON entities (norm);

-- rowid keeps the order aliases were first written in, so an entity reads back as written.
CREATE TABLE IF NOT EXISTS aliases (
    entity_ref INTEGER NOT NULL,
    alias      TEXT NOT NULL,
    norm       TEXT NOT NULL,
    UNIQUE (entity_ref, alias)
);
CREATE INDEX IF NOT EXISTS aliases_by_norm ON aliases (norm);

-- Keyed by what Mention.id hashes, in document order: a document's mentions are stored together.
CREATE TABLE IF NOT EXISTS mentions (
    document_id TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    entity_id   TEXT NOT NULL,
    entity_ref  INTEGER NOT NULL,
    chunk_id    TEXT,
    text        TEXT NOT NULL,
    sentence    TEXT NOT NULL,
    PRIMARY KEY (document_id, start, "end", entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_by_entity ON mentions (entity_ref);

-- seq grows with every new relation. id_key is Relation.id as an order-preserving 64-bit integer
-- (unique: the merge key; ordered: id order for paging). subject/object are kept as text for
-- reading and as refs for the two adjacency indexes.
CREATE TABLE IF NOT EXISTS relations (
    seq         INTEGER PRIMARY KEY,
    id_key      INTEGER NOT NULL UNIQUE,
    subject_ref INTEGER NOT NULL,
    object_ref  INTEGER NOT NULL,
    subject     TEXT NOT NULL,
    predicate   TEXT NOT NULL,
    object      TEXT NOT NULL,
    negated     INTEGER NOT NULL,
    hedged      INTEGER NOT NULL,
    confidence  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS relations_by_subject ON relations (subject_ref);
CREATE INDEX IF NOT EXISTS relations_by_object ON relations (object_ref);
CREATE INDEX IF NOT EXISTS relations_by_predicate ON relations (predicate);

-- Keyed by the relation's seq, so the evidence of new relations is appended, not scattered.
CREATE TABLE IF NOT EXISTS evidence (
    relation_seq INTEGER NOT NULL,
    key          TEXT NOT NULL,       -- model.Evidence.key
    document_id  TEXT NOT NULL,
    chunk_id     TEXT,
    start        INTEGER,
    "end"        INTEGER,
    sentence     TEXT NOT NULL,
    extractor    TEXT NOT NULL,
    PRIMARY KEY (relation_seq, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS evidence_by_document ON evidence (document_id);

-- Fuzzy name lookup: trigram indexes over normalised names and aliases. New rows are indexed by
-- one INSERT ... SELECT per write (sqlite.py), not by an insert trigger: FTS5 flushes its pending
-- terms at every statement, so a trigger fired per row of an executemany made a segment per
-- entity and writing entities 4x slower. Renames and deletions are rare and keep triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS entity_names_fts USING fts5 (
    norm, content = 'entities', content_rowid = 'ref', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE IF NOT EXISTS alias_names_fts USING fts5 (
    norm, content = 'aliases', content_rowid = 'rowid', tokenize = 'trigram'
);

CREATE TRIGGER IF NOT EXISTS entities_fts_delete AFTER DELETE ON entities BEGIN
    INSERT INTO entity_names_fts (entity_names_fts, rowid, norm) VALUES ('delete', old.ref, old.norm);
END;
CREATE TRIGGER IF NOT EXISTS entities_fts_rename AFTER UPDATE OF norm ON entities
WHEN old.norm IS NOT new.norm BEGIN
    INSERT INTO entity_names_fts (entity_names_fts, rowid, norm) VALUES ('delete', old.ref, old.norm);
    INSERT INTO entity_names_fts (rowid, norm) VALUES (new.ref, new.norm);
END;
CREATE TRIGGER IF NOT EXISTS aliases_fts_delete AFTER DELETE ON aliases BEGIN
    INSERT INTO alias_names_fts (alias_names_fts, rowid, norm) VALUES ('delete', old.rowid, old.norm);
END;
