-- The service's own tables (tasks, samples, reviews, datasets), in tasks.db beside the store.
-- Journal mode WAL: the web process reads while the worker process writes.
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('extraction', 'synthesis', 'factcheck')),
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    params TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    source_task INTEGER REFERENCES tasks(id),
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    updated REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT,
    lease_until REAL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    progress REAL NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    timings TEXT NOT NULL DEFAULT '{}',
    checkpoint TEXT NOT NULL DEFAULT '{}',
    result TEXT NOT NULL DEFAULT '{}',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (state, id);

CREATE TABLE IF NOT EXISTS task_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    at REAL NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS task_log_by_task ON task_log (task_id, id);

CREATE TABLE IF NOT EXISTS samples (
    task_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    hops INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    review TEXT NOT NULL DEFAULT 'unreviewed',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS samples_by_type ON samples (task_id, type, seq);
CREATE INDEX IF NOT EXISTS samples_by_hops ON samples (task_id, hops, seq);
CREATE INDEX IF NOT EXISTS samples_by_verdict ON samples (task_id, verdict, seq);
CREATE INDEX IF NOT EXISTS samples_by_review ON samples (task_id, review, seq);

-- One row per relation type and per entity (name, case-folded) of a sample: filters seek here.
CREATE TABLE IF NOT EXISTS sample_terms (
    task_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('relation', 'entity')),
    value TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (task_id, kind, value, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_task ON audit (task_id, id);

CREATE TABLE IF NOT EXISTS datasets (
    name TEXT PRIMARY KEY,
    created REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS versions (
    id TEXT PRIMARY KEY,
    dataset TEXT NOT NULL REFERENCES datasets(name),
    number INTEGER NOT NULL,
    parent TEXT REFERENCES versions(id),
    kind TEXT NOT NULL CHECK (kind IN ('samples', 'blend')),
    source_task INTEGER,
    graph TEXT NOT NULL DEFAULT '',
    params TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    records INTEGER NOT NULL,
    card TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    UNIQUE (dataset, number)
);
