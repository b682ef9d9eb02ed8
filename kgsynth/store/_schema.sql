-- Tables of the SQLite graph store (kgsynth/store/sqlite.py). Run on every open: idempotent.
-- Ids are content hashes, so every table is keyed by them and re-writing a batch touches no new rows.

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

CREATE TABLE IF NOT EXISTS chunks (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (document_id);

-- A rowid table (not WITHOUT ROWID) because the fuzzy-name FTS index points at rowids.
CREATE TABLE IF NOT EXISTS entities (
    id   TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    norm TEXT NOT NULL                -- model.normalise_name(name)
);
CREATE INDEX IF NOT EXISTS entities_by_norm ON entities (norm);

-- rowid keeps the order aliases were first written in, so an entity reads back as written.
CREATE TABLE IF NOT EXISTS aliases (
    entity_id TEXT NOT NULL,
    alias     TEXT NOT NULL,
    norm      TEXT NOT NULL,
    UNIQUE (entity_id, alias)
);
CREATE INDEX IF NOT EXISTS aliases_by_norm ON aliases (norm);

CREATE TABLE IF NOT EXISTS mentions (
    id          TEXT PRIMARY KEY,
    entity_id   TEXT NOT NULL,
    document_id TEXT NOT NULL,
    chunk_id    TEXT,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    sentence    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_by_document ON mentions (document_id, start);
CREATE INDEX IF NOT EXISTS mentions_by_entity ON mentions (entity_id);

-- Relations are appended in rowid (seq) order, so the table itself grows at its end; only the
-- thin indexes take random inserts. (Clustering on the hash id made every write touch pages all
-- over the file: 10x slower at a million relations.) subject/object indexes carry the predicate so
-- neighbour queries filtered by predicate never read the table; the predicate index grows at one
-- end per predicate.
CREATE TABLE IF NOT EXISTS relations (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    subject    TEXT NOT NULL,
    predicate  TEXT NOT NULL,
    object     TEXT NOT NULL,
    negated    INTEGER NOT NULL,
    hedged     INTEGER NOT NULL,
    confidence REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS relations_by_subject ON relations (subject, predicate);
CREATE INDEX IF NOT EXISTS relations_by_object ON relations (object, predicate);
CREATE INDEX IF NOT EXISTS relations_by_predicate ON relations (predicate);

-- Keyed by the relation's seq, so the evidence of new relations is appended, not scattered.
CREATE TABLE IF NOT EXISTS evidence (
    relation_seq INTEGER NOT NULL,    -- relations.seq
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
-- terms at every statement, so a trigger fired per row of an executemany made a new segment per
-- entity and writing entities 4x slower. Renames and deletions are rare and keep their triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS entity_names_fts USING fts5 (
    norm, content = 'entities', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE IF NOT EXISTS alias_names_fts USING fts5 (
    norm, content = 'aliases', content_rowid = 'rowid', tokenize = 'trigram'
);

CREATE TRIGGER IF NOT EXISTS entities_fts_delete AFTER DELETE ON entities BEGIN
    INSERT INTO entity_names_fts (entity_names_fts, rowid, norm) VALUES ('delete', old.rowid, old.norm);
END;
CREATE TRIGGER IF NOT EXISTS entities_fts_update AFTER UPDATE OF norm ON entities
WHEN old.norm IS NOT new.norm BEGIN
    INSERT INTO entity_names_fts (entity_names_fts, rowid, norm) VALUES ('delete', old.rowid, old.norm);
    INSERT INTO entity_names_fts (rowid, norm) VALUES (new.rowid, new.norm);
END;
CREATE TRIGGER IF NOT EXISTS aliases_fts_delete AFTER DELETE ON aliases BEGIN
    INSERT INTO alias_names_fts (alias_names_fts, rowid, norm) VALUES ('delete', old.rowid, old.norm);
END;
