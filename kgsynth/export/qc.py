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

from datasketch import MinHash, MinHashLSH

from kgsynth.model import Sample, content_hash

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def tokens(text: str) -> list[str]:
    """Lower-cased words, with each CJK character a token of its own (Chinese has no spaces)."""
    return _TOKEN.findall(text.casefold())


class NearDuplicateFilter:
    """Accepts a sample unless an earlier one of the run is the same or nearly the same text.

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
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        # Drawing the permutations is most of a MinHash's cost: draw them once per run.
        template = MinHash(num_perm=num_perm, seed=seed)
        self._permutations, self._scheme = template.permutations, template.scheme
        self._kept = 0
        self.dropped: Counter[str] = Counter()

    def accept(self, sample: Sample) -> bool:
        """Whether ``sample`` is new; a new sample is remembered."""
        words = tokens(f"{sample.question} \x1f {sample.answer}")
        key = content_hash(" ".join(words))
        if key in self._exact:
            self.dropped["exact_duplicate"] += 1
            return False
        signature = self._signature(words)
        if self._lsh.query(signature):
            self.dropped["near_duplicate"] += 1
            return False
        self._exact.add(key)
        self._lsh.insert(str(self._kept), signature)
        self._kept += 1
        return True

    def _signature(self, words: list[str]) -> MinHash:
        size = self.shingle
        shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
        signature = MinHash(
            num_perm=self.num_perm, seed=self.seed, permutations=self._permutations, scheme=self._scheme
        )
        signature.update_batch([s.encode("utf-8") for s in shingles])
        return signature


def mentions(name: str, text: str) -> bool:
    """Whether ``text`` names ``name`` as a whole word, ignoring case (substring match for CJK names)."""
    name = name.strip().casefold()
    if not name:
        return False
    text = text.casefold()
    if _CJK.search(name):
        return name in text
    start = text.find(name)
    while start >= 0:  # plain find + boundary test: a regex per name would thrash re's cache
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(name, start + 1)
    return False


def leaks_answer(sample: Sample) -> bool:
    """Whether the question gives away its answer or an intermediate entity of a multi-hop chain.

    Yes/no, multiple-choice, counting and comparison questions name their candidates by design,
    so only the answer of factoid and multi-hop questions is checked; intermediates are checked
    for every chain of two or more hops.
    """
    if sample.type in ("factoid", "multihop") and mentions(sample.answer, sample.question):
        return True
    if sample.path.shape == "chain" and sample.path.hops >= 2:
        return any(mentions(entity.name, sample.question) for entity in sample.path.entities[1:-1])
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


__all__ = ["BalanceCaps", "NearDuplicateFilter", "leaks_answer", "mentions", "tokens"]
