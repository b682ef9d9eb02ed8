"""The seeded benchmark graph shared by ``bench_store.py`` and ``bench_neo4j.py``.

Entities of five types and relations of five predicates, each relation with one Evidence.
Everything is a pure function of an index, so no entity or relation list is kept in memory and
the graph of N relations is exactly the first N relations of any bigger one: a benchmark can
load 100k relations, measure, and extend the same graph to 1M without starting again.

- Entity ``i`` has type ``TYPES[i % 5]`` and a made-up three-syllable name (``Drailthouxa``)
  that is unique per index; names share letter trigrams the way real vocabularies do, unlike
  numbered names (``drug 0001234``), whose shared digit runs make every fuzzy lookup a worst case.
- Relation ``i`` joins two entities drawn uniformly from the first ``entity_count(i + 1)``
  (about one entity per five relations), so early entities have higher degree, as in real graphs.
  Relations are drawn in blocks of ``BLOCK`` from a generator seeded per block, so any block can
  be made without the ones before it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from kgsynth.model import (
    Entity,
    EntityType,
    Evidence,
    GraphBatch,
    Relation,
    RelationType,
    Schema,
    content_hash,
)

SEED = 7
#: Bumped whenever the graph below changes, so a loaded copy of an older one is not reused.
GRAPH_VERSION = 1
TYPES = ("Drug", "Disease", "Symptom", "Gene", "Chemical")
PREDICATES = ("treats", "causes", "interacts_with", "has_symptom", "associated_with")
#: Relations per entity (about one new entity per five relations), and the fewest entities a graph has.
RELATIONS_PER_ENTITY = 5
MIN_ENTITIES = 100
#: Relations drawn from one seeded generator; loads resume at any multiple of it.
BLOCK = 1_000
#: Relations whose evidence comes from one document.
RELATIONS_PER_DOCUMENT = 200
SCHEMA = Schema(
    name="bench",
    entity_types=tuple(EntityType(name=name) for name in TYPES),
    relation_types=tuple(RelationType(name=name) for name in PREDICATES),
)

# 16 onsets x 8 vowels x 8 codas = 1024 syllables; three of them name 2**30 entities.
_ONSETS = ("b", "br", "ch", "d", "dr", "f", "g", "gr", "k", "l", "m", "n", "p", "pr", "s", "t")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
_CODAS = ("", "n", "r", "s", "l", "x", "th", "m")
_NAME_SPACE = 2**30
_SCRAMBLE = 0x9E3779B1  # odd, so multiplying by it permutes 0 .. 2**30 - 1


def entity_count(relations: int) -> int:
    """How many entities the first ``relations`` relations may refer to."""
    return max(MIN_ENTITIES, -(-relations // RELATIONS_PER_ENTITY))


def entity_name(index: int) -> str:
    """The made-up name of entity ``index``: three syllables, a bijection of the index."""
    code = (index * _SCRAMBLE) % _NAME_SPACE
    syllables = []
    for _ in range(3):
        code, syllable = divmod(code, 1024)
        onset, rest = divmod(syllable, 64)
        vowel, coda = divmod(rest, 8)
        syllables.append(_ONSETS[onset] + _VOWELS[vowel] + _CODAS[coda])
    return "".join(syllables).capitalize()


def entity(index: int) -> Entity:
    """Entity number ``index``: a pure function of the index, so no entity list is kept."""
    return Entity.make(TYPES[index % len(TYPES)], entity_name(index))


def with_typo(name: str, rng: random.Random) -> str:
    """``name`` with one letter replaced by another (not the first, so the type of name stays)."""
    position = rng.randrange(1, len(name))
    letter = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != name[position].lower()])
    return name[:position] + letter + name[position + 1 :]


def _block(number: int) -> list[Relation]:
    """Relations ``number * BLOCK`` up to the next block, from a generator seeded for this block."""
    rng = random.Random(f"kgsynth-bench:{SEED}:{number}")
    relations = []
    for index in range(number * BLOCK, (number + 1) * BLOCK):
        known = entity_count(index + 1)
        subject, object_ = entity(rng.randrange(known)), entity(rng.randrange(known))
        start = rng.randrange(0, 5000)
        relations.append(
            Relation(
                subject=subject.id,
                predicate=rng.choice(PREDICATES),
                object=object_.id,
                confidence=round(rng.random(), 3),
                evidence=(
                    Evidence(
                        document_id="doc:" + content_hash(str(index // RELATIONS_PER_DOCUMENT)),
                        start=start,
                        end=start + 40,
                        sentence=f"{subject.name} relates to {object_.name}.",
                        extractor="bench",
                    ),
                ),
            )
        )
    return relations


def relations(first: int, end: int) -> list[Relation]:
    """Relations ``first`` up to (not including) ``end`` of the graph."""
    found: list[Relation] = []
    for number in range(first // BLOCK, -(-end // BLOCK)):
        low = number * BLOCK
        found += _block(number)[max(first - low, 0) : end - low]
    return found


def batches(total: int, batch_size: int, start: int = 0) -> Iterator[GraphBatch]:
    """Relations ``start`` up to ``total`` as batches, with the entities each first needs.

    A batch carries the entities introduced since the previous one, so every entity row is
    written once (as in an ingest that tracks what it wrote) and the relations' other ends are
    already stored, which the store must check set-wise.
    """
    for first in range(start, total, batch_size):
        end = min(first + batch_size, total)
        introduced = entity_count(first) if first else 0
        fresh = tuple(entity(index) for index in range(introduced, entity_count(end)))
        yield GraphBatch(entities=fresh, relations=tuple(relations(first, end)))
