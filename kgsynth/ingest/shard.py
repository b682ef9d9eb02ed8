"""``--shard i/N``: which documents one of N machines builds, so N builds share a store disjointly.

A document belongs to shard ``int(content hash) mod N``. The hash is the document id's, which
depends on the text alone, so every machine assigns every document the same way whatever
paths or order it reads them in, each document lands in exactly one shard, and the union of
the N shards is the whole corpus.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kgsynth.errors import ConfigError
from kgsynth.model import Document

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class Shard(BaseModel):
    """Shard ``index`` of ``count`` (0-based: ``0/2`` and ``1/2`` together cover everything)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int = Field(ge=0)
    count: int = Field(ge=1)

    @model_validator(mode="after")
    def _index_below_count(self) -> Shard:
        if self.index >= self.count:
            raise ValueError(f"shard index {self.index} must be below the shard count {self.count}")
        return self

    @classmethod
    def parse(cls, spec: str) -> Shard:
        """``"i/N"`` -> ``Shard(index=i, count=N)``.

        Raises:
            ConfigError: if ``spec`` is not ``i/N`` with ``0 <= i < N``.
        """
        match = _SPEC.match(spec)
        if match is None:
            raise ConfigError(f'--shard "{spec}" is not of the form i/N (for example 0/4).')
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or index >= count:
            raise ConfigError(
                f'--shard "{spec}": the index must be 0 to {max(count - 1, 0)} for {count} shards '
                "(shards are numbered from 0)."
            )
        return cls(index=index, count=count)

    def contains(self, document: Document) -> bool:
        """Whether ``document`` is this shard's to build."""
        return shard_of(document.id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(document_id: str, count: int) -> int:
    """The shard (0..count-1) of the document with this id: its hex hash modulo ``count``."""
    digest = document_id.rsplit(":", 1)[-1]
    return int(digest, 16) % count
