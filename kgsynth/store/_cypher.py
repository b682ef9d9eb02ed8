"""Every Cypher statement the Neo4j store issues, kept apart from the code that runs them.

Layout of a kgsynth graph in Neo4j (labels and types other than ontology names come from
``model.RESERVED_NAMES``):

    (:Document {id, source, text, metadata})           metadata: JSON object as a string
    (:Document)-[:HAS_CHUNK]->(:Chunk {id, document_id, start, end, text})
    (:Entity:<Type> {id, type, name, aliases, alias_keys, name_keys, name_grams})
    (:Document)-[:MENTIONS {id, chunk_id, start, end, text, sentence}]->(:Entity)
    (:Entity)-[:<relation> {id, negated, hedged, confidence, ev_*}]->(:Entity)
    (:KgsynthMeta {key: 'schema', json})
    (:DocumentFacts {document_id, keys})               keys: "<predicate>\x1f<relation id>" per fact

``alias_keys`` runs parallel to ``aliases`` (``model.normalise_name`` of each), and
``name_keys`` joins the normalised name and aliases between ``NAME_KEY_SEPARATOR`` marks, so
an exact name-or-alias lookup is one ``CONTAINS`` served by a text index (a trigram index in
Neo4j 5). Fuzzy lookup asks a full-text index instead: ``name_grams`` holds the trigrams of
those keys as whitespace-separated words (a space inside one written ``_``), so Lucene returns
the best-scoring few entities sharing trigrams with a misspelt name without counting every
entity that shares a common one. A ``KgsynthMeta {key: 'name_grams'}`` node says every entity
has them (stores written before they existed get them on their next write). Evidence is stored as
parallel lists on the relationship (``ev_keys`` holds ``Evidence.key``; ``""`` and ``-1`` stand
for a missing chunk id or offset, because Neo4j lists cannot hold nulls), so no APOC is needed
to merge it. A relationship cannot be indexed by the values of a list it holds, so each
document's ``DocumentFacts`` node lists the relations its evidence supports: deleting a document
then seeks those relations by type and id instead of scanning every relationship.

Every uniqueness key is backed by a constraint (Neo4j 5 has relationship uniqueness
constraints in the community edition too): it is what keeps concurrent writers (several
``build --shard i/N`` processes) from creating the same node or edge twice, and what lets
``MERGE`` seek instead of scan.

Labels and relationship types must be inlined in Cypher; they are only ever inlined by the
functions below, which check the name against the registered schema first and backtick-quote
it. ``all_statements(schema)`` lists every statement the store can issue for a schema, so that
``tests/store/test_cypher_lint.py`` can validate each with Neo4j's own parser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kgsynth.errors import SchemaError
from kgsynth.model import IDENTIFIER, RESERVED_NAMES, Schema

#: Key of the node that holds the registered schema as JSON.
SCHEMA_KEY = "schema"
#: Marks the edges of each key inside ``Entity.name_keys``; ``normalise_name`` never leaves one
#: in a key, because it collapses every whitespace character, and U+001F counts as one.
NAME_KEY_SEPARATOR = "\x1f"
#: Rows per ``UNWIND``: big enough to amortise a round trip, small enough for one transaction's memory.
ROWS_PER_STATEMENT = 1000
#: Separates predicate and relation id in ``DocumentFacts.keys``.
FACT_KEY_SEPARATOR = "\x1f"
#: Longest ``name_keys`` (UTF-16 units) the text index takes: Lucene refuses a term over 32,766
#: UTF-8 bytes, and one unit is at most 3 bytes. Aliases past it are kept but not looked up.
MAX_NAME_KEYS = 10_000
#: Longest entity id the uniqueness constraint's range index takes (8 KB keys; 4 bytes a char).
MAX_INDEXED_ID = 2_000
#: Prefix of every index and constraint kgsynth creates, so ``clear`` drops exactly those.
SCHEMA_PREFIX = "kgsynth_"
#: Key of the node recording that every entity has ``name_grams`` (see the module docstring).
NAME_GRAMS_KEY = "name_grams"
#: Name of the full-text index over ``Entity.name_grams`` and ``Entity.type``.
NAME_GRAMS_INDEX = "kgsynth_entity_name_grams"

# fmt: off
#: Every property key the statements read or write (and map keys of ``$rows``), for the linter.
PROPERTY_KEYS = (
    "alias_keys", "aliases", "chunk_id", "confidence", "document_id", "end", "entity_id",
    "ev_chunks", "ev_docs", "ev_ends", "ev_extractors", "ev_keys", "ev_sentences", "ev_starts",
    "hedged", "id", "json", "key", "keys", "metadata", "name", "name_grams", "name_key", "name_keys",
    "negated", "object", "sentence", "source", "start", "subject", "text", "type",
)
# fmt: on

_IDENTIFIER = re.compile(IDENTIFIER)


def entity_label(schema: Schema, type_name: str) -> str:
    """The backtick-quoted label of entity type ``type_name``.

    Raises:
        UnknownEntityTypeError: ``type_name`` is not in ``schema``.
    """
    schema.entity_type(type_name)
    return _quoted(type_name)


def relationship_type(schema: Schema, predicate: str) -> str:
    """The backtick-quoted relationship type of relation ``predicate``.

    Raises:
        UnknownRelationError: ``predicate`` is not in ``schema``.
    """
    schema.relation_type(predicate)
    return _quoted(predicate)


def _quoted(name: str) -> str:
    # The schema validates names against IDENTIFIER already; checking again here means no
    # caller can inline anything else, even through a schema built with model_construct().
    if not _IDENTIFIER.fullmatch(name) or name in RESERVED_NAMES:
        raise SchemaError(
            f'"{name}" cannot be a Neo4j label or relationship type: it must match {IDENTIFIER} '
            "and not be one of the names kgsynth reserves."
        )
    return f"`{name}`"


# --------------------------------------------------------------------------- schema

CONSTRAINTS = (
    (
        "constraint_entity_id",
        "CREATE CONSTRAINT kgsynth_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    ),
    (
        "constraint_document_id",
        "CREATE CONSTRAINT kgsynth_document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE",
    ),
    (
        "constraint_chunk_id",
        "CREATE CONSTRAINT kgsynth_chunk_id IF NOT EXISTS FOR (n:Chunk) REQUIRE n.id IS UNIQUE",
    ),
    (
        "constraint_meta_key",
        "CREATE CONSTRAINT kgsynth_meta_key IF NOT EXISTS FOR (n:KgsynthMeta) REQUIRE n.key IS UNIQUE",
    ),
    (
        "constraint_document_facts",
        "CREATE CONSTRAINT kgsynth_document_facts IF NOT EXISTS "
        "FOR (n:DocumentFacts) REQUIRE n.document_id IS UNIQUE",
    ),
    (
        "constraint_mention_id",
        "CREATE CONSTRAINT kgsynth_mention_id IF NOT EXISTS FOR ()-[m:MENTIONS]-() REQUIRE m.id IS UNIQUE",
    ),
)

INDEXES = (
    (
        "index_entity_name_keys",
        "CREATE TEXT INDEX kgsynth_entity_name_keys IF NOT EXISTS FOR (n:Entity) ON (n.name_keys)",
    ),
    (
        "index_entity_name_grams",
        f"CREATE FULLTEXT INDEX {NAME_GRAMS_INDEX} IF NOT EXISTS "
        "FOR (n:Entity) ON EACH [n.name_grams, n.type] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
    ),
    (
        "index_document_source",
        "CREATE INDEX kgsynth_document_source IF NOT EXISTS FOR (n:Document) ON (n.source)",
    ),
)


def relation_id_constraint(schema: Schema, predicate: str) -> str:
    """Uniqueness of ``id`` for relationships of one type.

    Its index serves ``MERGE`` by id, lookups by id and keyset paging in id order; the
    constraint stops two concurrent writers from creating the same relation twice.
    """
    rel_type = relationship_type(schema, predicate)
    return (
        f"CREATE CONSTRAINT `kgsynth_rel_{predicate}_id_unique` IF NOT EXISTS "
        f"FOR ()-[r:{rel_type}]-() REQUIRE r.id IS UNIQUE"
    )


def schema_statements(schema: Schema) -> list[tuple[str, str]]:
    """(name, cypher) of every constraint and index ``schema`` needs, in creation order."""
    statements = [*CONSTRAINTS, *INDEXES]
    statements += [
        (f"constraint_relation_id[{r.name}]", relation_id_constraint(schema, r.name))
        for r in schema.relation_types
    ]
    return statements


# What clear() drops: only the indexes and constraints kgsynth created (named with its prefix).
KGSYNTH_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH $prefix RETURN name ORDER BY name"
KGSYNTH_INDEXES = (
    "SHOW INDEXES YIELD name, owningConstraint "
    "WHERE name STARTS WITH $prefix AND owningConstraint IS NULL RETURN name ORDER BY name"
)


def drop_constraint(name: str) -> str:
    """Drop the constraint ``name`` (one of ours: names are checked by the caller)."""
    return f"DROP CONSTRAINT {_quoted_schema_name(name)} IF EXISTS"


def drop_index(name: str) -> str:
    """Drop the index ``name`` (one of ours: names are checked by the caller)."""
    return f"DROP INDEX {_quoted_schema_name(name)} IF EXISTS"


def _quoted_schema_name(name: str) -> str:
    if not name.startswith(SCHEMA_PREFIX) or "`" in name:
        raise SchemaError(f'"{name}" is not the name of an index or constraint kgsynth created.')
    return f"`{name}`"


AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

HOME_DATABASE = "CALL db.info() YIELD name RETURN name"

# Indexes earlier kgsynth versions made that a constraint now replaces (the per-type id index
# blocks the id uniqueness constraint on the same key) or that nothing reads (per-type name).
OUTDATED_INDEXES = """
SHOW INDEXES YIELD name, owningConstraint
WHERE owningConstraint IS NULL AND name STARTS WITH $prefix
  AND (name ENDS WITH '_id' AND name STARTS WITH $prefix + 'rel_'
       OR name ENDS WITH '_name' AND name STARTS WITH $prefix + 'type_')
RETURN name ORDER BY name
"""

# Relationship types in use, so iter_relations also finds relations written under no schema.
RELATIONSHIP_TYPES = "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS name"

READ_SCHEMA = "MATCH (m:KgsynthMeta {key: $key}) RETURN m.json AS json"

WRITE_SCHEMA = "MERGE (m:KgsynthMeta {key: $key}) SET m.json = $json"

# Deletes in slices so that clearing a big graph never needs one huge transaction.
CLEAR_SLICE = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
# Relationships go first, in slices of their own: a slice of nodes with all their edges can
# exceed the server's transaction memory on a big graph (seen at 1M relations with a 1 GB heap).
CLEAR_RELATIONSHIP_SLICE = "MATCH ()-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS deleted"

# --------------------------------------------------------------------------- writes

STORED_ENTITIES = "MATCH (e:Entity) WHERE e.id IN $ids RETURN e.id AS id, e.type AS type"

STORED_DOCUMENTS = "MATCH (d:Document) WHERE d.id IN $ids RETURN d.id AS id"

UPSERT_DOCUMENTS = """
UNWIND $rows AS row
MERGE (d:Document {id: row.id})
SET d.source = row.source, d.text = row.text, d.metadata = row.metadata
"""

UPSERT_CHUNKS = """
UNWIND $rows AS row
MATCH (d:Document {id: row.document_id})
MERGE (c:Chunk {id: row.id})
SET c.document_id = row.document_id, c.start = row.start, c.end = row.end, c.text = row.text
MERGE (d)-[:HAS_CHUNK]->(c)
"""


# Each document's list of the facts its evidence supports (see the module docstring).
UPSERT_DOCUMENT_FACTS = """
UNWIND $rows AS row
MERGE (x:DocumentFacts {document_id: row.document_id})
SET x.keys = coalesce(x.keys, [])
WITH x, row
SET x.keys = x.keys + [key IN row.keys WHERE NOT key IN x.keys]
"""


def remove_entity_label(schema: Schema, type_name: str) -> str:
    """Drop the label of the type an entity had before a later write changed it."""
    return f"""
UNWIND $ids AS entity_id
MATCH (e:Entity {{id: entity_id}})
REMOVE e:{entity_label(schema, type_name)}
"""


# The trigrams of ``e.name_keys`` that lie inside one key, as words for the full-text index
# (``model``-side twin: ``name_gram_words``). Repeats stay: they only raise a term's frequency.
_NAME_GRAMS_OF_E = """reduce(
    words = '', i IN range(0, size(e.name_keys) - 3) |
    CASE WHEN substring(e.name_keys, i, 3) CONTAINS $separator THEN words
         ELSE words + ' ' + replace(substring(e.name_keys, i, 3), ' ', '_') END)"""

# Gives ``name_grams`` to entities written before it existed, a slice per transaction.
BACKFILL_NAME_GRAMS = f"""
MATCH (e:Entity)
WHERE e.name_grams IS NULL
WITH e LIMIT $limit
SET e.name_grams = CASE WHEN e.name_keys IS NULL THEN '' ELSE {_NAME_GRAMS_OF_E} END
RETURN count(*) AS done
"""

NAME_GRAMS_READY = "MATCH (m:KgsynthMeta {key: $key}) RETURN count(m) > 0 AS ready"

MARK_NAME_GRAMS_READY = "MERGE (m:KgsynthMeta {key: $key})"


def upsert_entities(schema: Schema, type_name: str) -> str:
    """Merge entities of one type: type and name of the later write win, aliases are united.

    Aliases keep the order they were first written in; ``name_keys`` is rebuilt from the
    united ``alias_keys`` so exact lookups see every alias, up to ``$max_keys`` characters (the
    text index refuses longer values; a name or alias past it is stored but not looked up).
    """
    return f"""
UNWIND $rows AS row
MERGE (e:Entity {{id: row.id}})
SET e:{entity_label(schema, type_name)}, e.type = row.type, e.name = row.name
WITH e, row, coalesce(e.aliases, []) AS stored, coalesce(e.alias_keys, []) AS stored_keys
WITH e, row, stored, stored_keys,
     [i IN range(0, size(row.aliases) - 1) WHERE NOT row.aliases[i] IN stored] AS fresh
SET e.aliases = stored + [i IN fresh | row.aliases[i]],
    e.alias_keys = stored_keys + [i IN fresh | row.alias_keys[i]]
SET e.name_keys = reduce(
    keys = CASE WHEN size(row.name_key) + 2 <= $max_keys
                THEN $separator + row.name_key + $separator ELSE '' END,
    key IN e.alias_keys |
    CASE WHEN size(keys) + size(key) + 2 <= $max_keys THEN keys + key + $separator ELSE keys END)
SET e.name_grams = {_NAME_GRAMS_OF_E}
"""


UPSERT_MENTIONS = """
UNWIND $rows AS row
MATCH (d:Document {id: row.document_id})
MATCH (e:Entity {id: row.entity_id})
MERGE (d)-[m:MENTIONS {id: row.id}]->(e)
SET m.chunk_id = row.chunk_id, m.start = row.start, m.end = row.end, m.text = row.text,
    m.sentence = row.sentence
"""


def upsert_relations(schema: Schema, predicate: str) -> str:
    """Merge relations of one predicate by id, applying the merge rules of ``store/base.py``.

    Evidence is united by ``Evidence.key`` (the first copy of a key stays), confidence becomes
    the maximum, and ``hedged`` stays true only while every write was hedged. Each SET item
    reads only its own property, so the order in which Neo4j applies them does not matter.
    """
    return f"""
UNWIND $rows AS row
MATCH (s:Entity {{id: row.subject}})
MATCH (o:Entity {{id: row.object}})
MERGE (s)-[r:{relationship_type(schema, predicate)} {{id: row.id}}]->(o)
ON CREATE SET r.negated = row.negated, r.hedged = row.hedged, r.confidence = row.confidence
ON MATCH SET r.negated = row.negated
WITH r, row
SET r.hedged = r.hedged AND row.hedged,
    r.confidence = CASE WHEN row.confidence > r.confidence THEN row.confidence ELSE r.confidence END
WITH r, row, coalesce(r.ev_keys, []) AS stored
WITH r, row, [i IN range(0, size(row.ev_keys) - 1) WHERE NOT row.ev_keys[i] IN stored] AS fresh
SET r.ev_keys = coalesce(r.ev_keys, []) + [i IN fresh | row.ev_keys[i]],
    r.ev_docs = coalesce(r.ev_docs, []) + [i IN fresh | row.ev_docs[i]],
    r.ev_chunks = coalesce(r.ev_chunks, []) + [i IN fresh | row.ev_chunks[i]],
    r.ev_starts = coalesce(r.ev_starts, []) + [i IN fresh | row.ev_starts[i]],
    r.ev_ends = coalesce(r.ev_ends, []) + [i IN fresh | row.ev_ends[i]],
    r.ev_sentences = coalesce(r.ev_sentences, []) + [i IN fresh | row.ev_sentences[i]],
    r.ev_extractors = coalesce(r.ev_extractors, []) + [i IN fresh | row.ev_extractors[i]]
"""


# --------------------------------------------------------------------------- deleting a document

DOCUMENT_EXISTS = "MATCH (d:Document {id: $document_id}) RETURN count(d) AS n"

DOCUMENT_FACTS = "MATCH (x:DocumentFacts {document_id: $document_id}) RETURN x.keys AS keys"

DELETE_DOCUMENT_FACTS = """
MATCH (x:DocumentFacts {document_id: $document_id})
DELETE x
RETURN count(*) AS n
"""


def stored_relationship_type(predicate: str) -> str:
    """The quoted type of relations already stored, which the registered schema may not name.

    Only for names read back from our own database or our own ``DocumentFacts`` keys; the name
    must still be one kgsynth could have written.
    """
    return _quoted(predicate)


def delete_relations_of_document(predicate: str) -> str:
    """Of the listed relations of one type, delete those all of whose evidence is from the document.

    Their endpoints may become orphans, so their ids are returned as ``touched``.
    """
    return f"""
MATCH (s:Entity)-[r:{stored_relationship_type(predicate)}]->(o:Entity)
WHERE r.id IN $ids AND $document_id IN r.ev_docs AND all(doc IN r.ev_docs WHERE doc = $document_id)
WITH s.id AS subject, o.id AS object, r, size(r.ev_docs) AS evidence
DELETE r
RETURN count(*) AS relations, sum(evidence) AS evidence, collect(subject) + collect(object) AS touched
"""


def strip_document_evidence(predicate: str) -> str:
    """Of the listed relations of one type with evidence from other documents too, drop this one's."""
    return f"""
MATCH (:Entity)-[r:{stored_relationship_type(predicate)}]->(:Entity)
WHERE r.id IN $ids AND $document_id IN r.ev_docs
WITH r, [i IN range(0, size(r.ev_docs) - 1) WHERE r.ev_docs[i] <> $document_id] AS keep
WITH r, keep, size(r.ev_docs) - size(keep) AS dropped
SET r.ev_keys = [i IN keep | r.ev_keys[i]],
    r.ev_docs = [i IN keep | r.ev_docs[i]],
    r.ev_chunks = [i IN keep | r.ev_chunks[i]],
    r.ev_starts = [i IN keep | r.ev_starts[i]],
    r.ev_ends = [i IN keep | r.ev_ends[i]],
    r.ev_sentences = [i IN keep | r.ev_sentences[i]],
    r.ev_extractors = [i IN keep | r.ev_extractors[i]]
RETURN sum(dropped) AS evidence
"""


DELETE_MENTIONS_OF_DOCUMENT = """
MATCH (:Document {id: $document_id})-[m:MENTIONS]->(e:Entity)
WITH m, e.id AS entity_id
DELETE m
RETURN count(*) AS mentions, collect(DISTINCT entity_id) AS touched
"""

DELETE_CHUNKS_OF_DOCUMENT = """
MATCH (:Document {id: $document_id})-[:HAS_CHUNK]->(c:Chunk)
DETACH DELETE c
RETURN count(*) AS chunks
"""

DELETE_DOCUMENT = """
MATCH (d:Document {id: $document_id})
DETACH DELETE d
RETURN count(*) AS documents
"""

DELETE_ORPHANED_ENTITIES = """
UNWIND $ids AS entity_id
MATCH (e:Entity {id: entity_id})
WHERE NOT EXISTS { (e)--() }
DELETE e
RETURN count(*) AS entities
"""

# --------------------------------------------------------------------------- reads

_ENTITY_COLUMNS = "e.id AS id, e.type AS type, e.name AS name, e.aliases AS aliases"

_EVIDENCE_MAP = "r {.ev_docs, .ev_chunks, .ev_starts, .ev_ends, .ev_sentences, .ev_extractors}"

_RELATION_COLUMNS = (
    "r.id AS id, s.id AS subject, type(r) AS predicate, o.id AS object, r.negated AS negated,\n"
    f"       r.hedged AS hedged, r.confidence AS confidence, {_EVIDENCE_MAP} AS evidence"
)

_MENTION_COLUMNS = (
    "e.id AS entity_id, d.id AS document_id, m.chunk_id AS chunk_id, m.start AS start,\n"
    "       m.end AS end, m.text AS text, m.sentence AS sentence"
)

DOCUMENTS_PAGE = """
MATCH (d:Document)
WHERE d.id > $after
RETURN d.id AS id, d.source AS source, d.text AS text, d.metadata AS metadata
ORDER BY d.id
LIMIT $limit
"""

CHUNKS_OF_DOCUMENT = """
MATCH (:Document {id: $document_id})-[:HAS_CHUNK]->(c:Chunk)
RETURN c.id AS id, c.document_id AS document_id, c.start AS start, c.end AS end, c.text AS text
ORDER BY c.start, c.id
"""

GET_DOCUMENT = """
MATCH (d:Document {id: $id})
RETURN d.id AS id, d.source AS source, d.text AS text, d.metadata AS metadata
"""

DOCUMENT_IDS_FROM_SOURCE = """
MATCH (d:Document {source: $source})
RETURN d.id AS id
ORDER BY id
"""

GET_ENTITY = f"""
MATCH (e:Entity {{id: $id}})
RETURN {_ENTITY_COLUMNS}
"""

ENTITIES_WITH_IDS = f"""
MATCH (e:Entity)
WHERE e.id IN $ids
RETURN {_ENTITY_COLUMNS}
ORDER BY e.id
"""

# $needle is one key between separators, so this matches whole names and aliases only.
ENTITIES_NAMED = f"""
MATCH (e:Entity)
WHERE e.name_keys CONTAINS $needle AND ($types IS NULL OR e.type IN $types)
RETURN {_ENTITY_COLUMNS}
ORDER BY e.id
"""

# Fuzzy candidates: the entities whose names and aliases share the most (and rarest) trigrams
# with the key, best Lucene score first; $query is built by ``name_grams_query``. The store
# then scores them with rapidfuzz, like the SQLite store.
ENTITY_CANDIDATES = f"""
CALL db.index.fulltext.queryNodes('{NAME_GRAMS_INDEX}', $query, {{limit: $limit}}) YIELD node AS e
RETURN {_ENTITY_COLUMNS}
"""

# The same from a store whose entities do not all have ``name_grams`` yet (written by an older
# kgsynth and not written since): one text-index CONTAINS per trigram, counted. Slow on a big
# graph (every entity sharing a common trigram is counted), but read-only.
ENTITY_CANDIDATES_BY_CONTAINS = f"""
UNWIND $grams AS gram
MATCH (e:Entity)
WHERE e.name_keys CONTAINS gram AND ($types IS NULL OR e.type IN $types)
WITH e, count(*) AS shared
RETURN {_ENTITY_COLUMNS}
ORDER BY shared DESC, e.id
LIMIT $limit
"""

#: Most trigrams one fuzzy query asks for (Lucene refuses a query of over 1,024 clauses).
MAX_QUERY_GRAMS = 256
# Characters Lucene's classic query syntax gives a meaning to; a backslash makes them literal.
_LUCENE_SPECIAL = frozenset('\\+-!():^[]"{}~*?|&/')


def name_grams_query(grams: Sequence[str], types: Sequence[str] | None) -> str:
    """The Lucene query of ``ENTITY_CANDIDATES``: any of ``grams`` in ``name_grams``, of one of ``types``.

    Each trigram is written the way ``upsert_entities`` stores it (a space as ``_``), with the
    query syntax's special characters escaped. Past ``MAX_QUERY_GRAMS`` trigrams an evenly
    spaced subset is asked for (a name that long still shares plenty with its near matches).
    """
    if len(grams) > MAX_QUERY_GRAMS:
        step = len(grams) / MAX_QUERY_GRAMS
        grams = [grams[int(i * step)] for i in range(MAX_QUERY_GRAMS)]
    words = " ".join(_lucene_escaped(gram.replace(" ", "_")) for gram in grams)
    query = f"name_grams:({words})"
    if types is not None:
        query = f"+{query} +type:({' '.join(_lucene_escaped(t) for t in types)})"
    return query


def _lucene_escaped(word: str) -> str:
    return "".join("\\" + c if c in _LUCENE_SPECIAL else c for c in word)


ENTITIES_PAGE = f"""
MATCH (e:Entity)
WHERE e.id > $after
RETURN {_ENTITY_COLUMNS}
ORDER BY e.id
LIMIT $limit
"""

MENTIONS_OF_DOCUMENT = f"""
MATCH (d:Document {{id: $document_id}})-[m:MENTIONS]->(e:Entity)
WHERE $entity_id IS NULL OR e.id = $entity_id
RETURN {_MENTION_COLUMNS}
ORDER BY m.start, m.end, e.id
"""

MENTIONS_OF_ENTITY = f"""
MATCH (d:Document)-[m:MENTIONS]->(e:Entity {{id: $entity_id}})
RETURN {_MENTION_COLUMNS}
ORDER BY d.id, m.start, m.end
"""

ALL_MENTIONS = f"""
MATCH (d:Document)-[m:MENTIONS]->(e:Entity)
RETURN {_MENTION_COLUMNS}
ORDER BY d.id, m.start, m.end, e.id
"""

# relations(): anchored on the most selective field given, the others filtered.
RELATIONS_FROM_SUBJECT = f"""
MATCH (s:Entity {{id: $subject}})-[r]->(o:Entity)
WHERE ($predicate IS NULL OR type(r) = $predicate) AND ($object IS NULL OR o.id = $object)
  AND ($negated IS NULL OR r.negated = $negated)
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""

RELATIONS_TO_OBJECT = f"""
MATCH (s:Entity)-[r]->(o:Entity {{id: $object}})
WHERE ($predicate IS NULL OR type(r) = $predicate) AND ($negated IS NULL OR r.negated = $negated)
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""

# A predicate outside the registered schema cannot be inlined, so it is filtered here instead.
ALL_RELATIONS = f"""
MATCH (s:Entity)-[r]->(o:Entity)
WHERE ($predicate IS NULL OR type(r) = $predicate) AND ($negated IS NULL OR r.negated = $negated)
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""


def relations_with_ids(predicates: list[str]) -> str:
    """Relations among ``$ids`` of any of ``predicates``, found by id-index seeks.

    A relationship index belongs to one type, so an id lookup that does not know the type
    names every type present: Neo4j plans the type disjunction as a union of one unique-index
    seek per type (``tests/store/test_neo4j_plans.py`` checks it), and a seek that finds
    nothing costs next to nothing.
    """
    if not predicates:
        return "UNWIND [] AS nothing RETURN nothing AS id"
    types = "|".join(stored_relationship_type(p) for p in predicates)
    return f"""
MATCH (s:Entity)-[r:{types}]->(o:Entity)
WHERE r.id IN $ids
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""


def relations_of_type(schema: Schema, predicate: str) -> str:
    """Relations of one predicate: inlining the type lets Neo4j scan only those relationships."""
    return f"""
MATCH (s:Entity)-[r:{relationship_type(schema, predicate)}]->(o:Entity)
WHERE $negated IS NULL OR r.negated = $negated
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""


def relations_page(schema: Schema, predicate: str) -> str:
    """One keyset page of relations of one predicate, in id order (served by its id index)."""
    return f"""
MATCH (s:Entity)-[r:{relationship_type(schema, predicate)}]->(o:Entity)
WHERE r.id > $after
RETURN r.id AS id, s.id AS subject, type(r) AS predicate, o.id AS object, r.negated AS negated,
       r.hedged AS hedged, r.confidence AS confidence,
       CASE WHEN $with_evidence THEN {_EVIDENCE_MAP} END AS evidence
ORDER BY r.id
LIMIT $limit
"""


def limited(statement: str) -> str:
    """``statement`` returning at most ``$limit`` rows (a separate text: LIMIT cannot be null)."""
    return statement.rstrip("\n") + "\nLIMIT $limit\n"


NEIGHBOURS_OUT = f"""
MATCH (s:Entity {{id: $id}})-[r]->(o:Entity)
WHERE $predicates IS NULL OR type(r) IN $predicates
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""

NEIGHBOURS_IN = f"""
MATCH (s:Entity)-[r]->(o:Entity {{id: $id}})
WHERE $predicates IS NULL OR type(r) IN $predicates
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""

# DISTINCT: an undirected pattern meets a self-loop from both ends.
NEIGHBOURS_BOTH = f"""
MATCH (:Entity {{id: $id}})-[r]-(:Entity)
WHERE $predicates IS NULL OR type(r) IN $predicates
WITH DISTINCT r
WITH r, startNode(r) AS s, endNode(r) AS o
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""

# One breadth-first step of subgraph(): the ids one edge away from a frontier.
NEIGHBOUR_IDS = """
UNWIND $ids AS seed_id
MATCH (:Entity {id: seed_id})-[r]-(x:Entity)
WHERE $predicates IS NULL OR type(r) IN $predicates
RETURN DISTINCT x.id AS id
ORDER BY id
"""

RELATIONS_AMONG = f"""
UNWIND $ids AS seed_id
MATCH (s:Entity {{id: seed_id}})-[r]->(o:Entity)
WHERE o.id IN $ids AND ($predicates IS NULL OR type(r) IN $predicates)
RETURN {_RELATION_COLUMNS}
ORDER BY r.id
"""

# OPTIONAL MATCH keeps the single row alive when a kind has no nodes, so every count is 0, not absent.
COUNTS = """
MATCH (d:Document)
WITH count(d) AS documents
OPTIONAL MATCH (c:Chunk)
WITH documents, count(c) AS chunks
OPTIONAL MATCH (:Document)-[m:MENTIONS]->(:Entity)
WITH documents, chunks, count(m) AS mentions
OPTIONAL MATCH (e:Entity)
WHERE NOT EXISTS { (e)--(:Entity) }
RETURN documents, chunks, mentions, count(e) AS orphan_entities
"""

ENTITIES_BY_TYPE = """
MATCH (e:Entity)
RETURN e.type AS entity_type, count(*) AS n
ORDER BY entity_type
"""

RELATIONS_BY_PREDICATE = """
MATCH (:Entity)-[r]->(:Entity)
RETURN type(r) AS predicate, count(*) AS n, sum(size(r.ev_keys)) AS evidence
ORDER BY predicate
"""

# --------------------------------------------------------------------------- enumeration

_CONSTANTS = {
    "await_indexes": AWAIT_INDEXES,
    "home_database": HOME_DATABASE,
    "outdated_indexes": OUTDATED_INDEXES,
    "relationship_types": RELATIONSHIP_TYPES,
    "read_schema": READ_SCHEMA,
    "write_schema": WRITE_SCHEMA,
    "clear_slice": CLEAR_SLICE,
    "clear_relationship_slice": CLEAR_RELATIONSHIP_SLICE,
    "stored_entities": STORED_ENTITIES,
    "stored_documents": STORED_DOCUMENTS,
    "upsert_documents": UPSERT_DOCUMENTS,
    "upsert_chunks": UPSERT_CHUNKS,
    "upsert_mentions": UPSERT_MENTIONS,
    "document_exists": DOCUMENT_EXISTS,
    "document_facts": DOCUMENT_FACTS,
    "delete_document_facts": DELETE_DOCUMENT_FACTS,
    "upsert_document_facts": UPSERT_DOCUMENT_FACTS,
    "kgsynth_constraints": KGSYNTH_CONSTRAINTS,
    "kgsynth_indexes": KGSYNTH_INDEXES,
    "drop_constraint": drop_constraint("kgsynth_entity_id"),
    "drop_index": drop_index("kgsynth_document_source"),
    "delete_mentions_of_document": DELETE_MENTIONS_OF_DOCUMENT,
    "delete_chunks_of_document": DELETE_CHUNKS_OF_DOCUMENT,
    "delete_document": DELETE_DOCUMENT,
    "delete_orphaned_entities": DELETE_ORPHANED_ENTITIES,
    "get_document": GET_DOCUMENT,
    "documents_page": DOCUMENTS_PAGE,
    "chunks_of_document": CHUNKS_OF_DOCUMENT,
    "document_ids_from_source": DOCUMENT_IDS_FROM_SOURCE,
    "get_entity": GET_ENTITY,
    "entities_with_ids": ENTITIES_WITH_IDS,
    "entities_named": ENTITIES_NAMED,
    "entity_candidates": ENTITY_CANDIDATES,
    "entity_candidates_by_contains": ENTITY_CANDIDATES_BY_CONTAINS,
    "backfill_name_grams": BACKFILL_NAME_GRAMS,
    "name_grams_ready": NAME_GRAMS_READY,
    "mark_name_grams_ready": MARK_NAME_GRAMS_READY,
    "entities_page": ENTITIES_PAGE,
    "mentions_of_document": MENTIONS_OF_DOCUMENT,
    "mentions_of_entity": MENTIONS_OF_ENTITY,
    "all_mentions": ALL_MENTIONS,
    "relations_from_subject": RELATIONS_FROM_SUBJECT,
    "relations_from_subject_limited": limited(RELATIONS_FROM_SUBJECT),
    "relations_to_object": RELATIONS_TO_OBJECT,
    "relations_to_object_limited": limited(RELATIONS_TO_OBJECT),
    "all_relations": ALL_RELATIONS,
    "all_relations_limited": limited(ALL_RELATIONS),
    "neighbours_out": NEIGHBOURS_OUT,
    "neighbours_out_limited": limited(NEIGHBOURS_OUT),
    "neighbours_in": NEIGHBOURS_IN,
    "neighbours_in_limited": limited(NEIGHBOURS_IN),
    "neighbours_both": NEIGHBOURS_BOTH,
    "neighbours_both_limited": limited(NEIGHBOURS_BOTH),
    "neighbour_ids": NEIGHBOUR_IDS,
    "relations_among": RELATIONS_AMONG,
    "counts": COUNTS,
    "entities_by_type": ENTITIES_BY_TYPE,
    "relations_by_predicate": RELATIONS_BY_PREDICATE,
}


def all_statements(schema: Schema) -> list[tuple[str, str]]:
    """(name, cypher) of every statement the Neo4j store can issue for ``schema``.

    Per-type statements are listed once for every entity type and relation of ``schema``.
    """
    statements = schema_statements(schema) + list(_CONSTANTS.items())
    for type_name in (t.name for t in schema.entity_types):
        statements.append((f"upsert_entities[{type_name}]", upsert_entities(schema, type_name)))
        statements.append((f"remove_entity_label[{type_name}]", remove_entity_label(schema, type_name)))
    for relation in schema.relation_types:
        name = relation.name
        statements.append((f"upsert_relations[{name}]", upsert_relations(schema, name)))
        statements.append((f"relations_of_type[{name}]", relations_of_type(schema, name)))
        statements.append((f"relations_of_type_limited[{name}]", limited(relations_of_type(schema, name))))
        statements.append((f"relations_page[{name}]", relations_page(schema, name)))
        statements.append((f"delete_relations_of_document[{name}]", delete_relations_of_document(name)))
        statements.append((f"strip_document_evidence[{name}]", strip_document_evidence(name)))
    names = [r.name for r in schema.relation_types]
    statements.append(("relations_with_ids", relations_with_ids(names)))
    return statements
