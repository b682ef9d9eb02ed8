"""Quality control over a run's samples: duplicates, answer leakage, balance caps.

Each filter is a small stateful object with ``accept(sample) -> bool`` that sees the samples of
one run in order and counts what it drops in ``dropped`` (nothing is dropped silently), so the
orchestrator can chain them and report the reasons:

- ``NearDuplicateFilter``: exact duplicates (same normalised question and answer) and near
  duplicates (MinHash Jaccard estimate over word 3-shingles at or above ``threshold``, via
  datasketch's LSH index, seeded so a run is reproducible);
- ``leaks_answer``: the question names its own answer (factoid, multi-hop) or an intermediate
  entity of its chain (multi-hop, yes/no), which would let a model answer without reasoning;
- ``BalanceCaps``: at most N samples per relation type and per entity, so hubs and frequent
  relations do not crowd out the rest.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

import numpy as np
from datasketch import MinHash, MinHashLSH

from kgsynth.model import Sample, content_hash
from kgsynth.names import names_in

logger = logging.getLogger(__name__)

#: Shingle hashes remembered before the cache is emptied (bounds memory on long runs).
_HASH_CACHE = 500_000
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|\w+")


def tokens(text: str) -> list[str]:
    """Lower-cased words, with each CJK character a token of its own (Chinese has no spaces)."""
    return _TOKEN.findall(text.casefold())


class NearDuplicateFilter:
    """Accepts a sample unless an earlier one of the run is the same or nearly the same text.

    The signature is datasketch's ``MinHash`` (one object, cleared and refilled per sample:
    building one per sample was most of the cost) over word shingles; candidates are found by
    the banding of datasketch's ``MinHashLSH`` for ``threshold`` (its ``hashranges``), kept here
    as one set of band values per band. A sample is a near duplicate when any band equals a
    kept sample's band, exactly when ``MinHashLSH.query`` would return a candidate; keeping
    only the bands (no keys, no per-sample objects) makes a query a few set lookups.

    Args:
        threshold: estimated Jaccard similarity of shingle sets at which two samples count as
            near duplicates.
        num_perm: MinHash permutations (precision against speed).
        seed: MinHash seed; the same seed gives the same decisions.
        shingle: words per shingle.
    """

    def __init__(self, threshold: float = 0.9, num_perm: int = 128, seed: int = 1, shingle: int = 3) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.seed = seed
        self.shingle = shingle
        self._exact: set[str] = set()
        self._ranges = tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)
        self._bands: tuple[set[bytes], ...] = tuple(set() for _ in self._ranges)
        self._hashes: dict[bytes, int] = {}
        self._hash = MinHash(num_perm=num_perm, seed=seed).hashfunc
        self._minhash = MinHash(num_perm=num_perm, seed=seed, hashfunc=self._cached_hash)
        self.dropped: Counter[str] = Counter()

    def accept(self, sample: Sample) -> bool:
        """Whether ``sample`` is new; a new sample is remembered."""
        words = tokens(f"{sample.question} \x1f {sample.answer}")
        key = content_hash(" ".join(words))
        if key in self._exact:
            self.dropped["exact_duplicate"] += 1
            return False
        signature = self.signature(words)
        bands = [signature[lo:hi].tobytes() for lo, hi in self._ranges]
        if any(band in seen for band, seen in zip(bands, self._bands, strict=True)):
            self.dropped["near_duplicate"] += 1
            return False
        self._exact.add(key)
        for band, seen in zip(bands, self._bands, strict=True):
            seen.add(band)
        return True

    def signature(self, words: list[str]) -> np.ndarray:
        """The MinHash values of the word shingles of ``words`` (a copy: the MinHash is reused)."""
        size = self.shingle
        shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
        minhash = self._minhash
        minhash.clear()
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        return minhash.hashvalues.copy()

    def _cached_hash(self, data: bytes) -> int:
        # Shingles repeat across a run ("which disease does"): hash each one once.
        found = self._hashes.get(data)
        if found is None:
            if len(self._hashes) >= _HASH_CACHE:
                self._hashes.clear()
            found = self._hashes[data] = self._hash(data)
        return found



def leaks_answer(sample: Sample) -> bool:
    """Whether the question gives away its answer or an intermediate entity of a multi-hop chain.

    Yes/no, multiple-choice, counting and comparison questions name their candidates by design,
    so only the answer of factoid and multi-hop questions is checked; intermediates are checked
    for every chain of two or more hops.
    """
    if sample.type in ("factoid", "multihop") and names_in(sample.answer, sample.question):
        return True
    if sample.path.shape == "chain" and sample.path.hops >= 2:
        return any(names_in(entity.name, sample.question) for entity in sample.path.entities[1:-1])
    return False


class BalanceCaps:
    """Accepts a sample while its relation types and entities are under their caps.

    A chain sample counts once for each relation type and each entity on its path; a star
    sample (count, comparison) counts its relation type and only its centre(s), since the
    leaves are what is being counted.
    """

    def __init__(self, per_relation: int | None = None, per_entity: int | None = None) -> None:
        self.per_relation = per_relation
        self.per_entity = per_entity
        self.relations: Counter[str] = Counter()
        self.entities: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()

    def accept(self, sample: Sample) -> bool:
        """Whether ``sample`` fits under both caps; an accepted sample is counted."""
        predicates = {r.predicate for r in sample.path.relations}
        entities = _focus(sample)
        if self.per_relation is not None and any(self.relations[p] >= self.per_relation for p in predicates):
            self.dropped["per_relation_cap"] += 1
            return False
        if self.per_entity is not None and any(self.entities[e] >= self.per_entity for e in entities):
            self.dropped["per_entity_cap"] += 1
            return False
        self.relations.update(predicates)
        self.entities.update(entities)
        return True


def _focus(sample: Sample) -> set[str]:
    path = sample.path
    if path.shape == "chain":
        return {e.id for e in path.entities}
    centres = 2 if sample.type == "comparison" else 1
    return {e.id for e in path.entities[:centres]}


__all__ = ["BalanceCaps", "NearDuplicateFilter", "leaks_answer", "tokens"]
