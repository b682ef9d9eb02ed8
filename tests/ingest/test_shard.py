"""--shard i/N: parsing, and shards that are disjoint and together cover every document."""

from __future__ import annotations

import pytest

from kgsynth.errors import ConfigError
from kgsynth.ingest import Shard
from kgsynth.model import Document

DOCUMENTS = [Document.from_text(f"Document number {n} mentions aspirin.") for n in range(200)]


@pytest.mark.parametrize(("spec", "index", "count"), [("0/1", 0, 1), ("2/4", 2, 4), (" 3 / 8 ", 3, 8)])
def test_shard_parse(spec: str, index: int, count: int) -> None:
    assert Shard.parse(spec) == Shard(index=index, count=count)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("4/4", r'--shard "4/4": the index must be 0 to 3 for 4 shards \(shards are numbered from 0\)'),
        ("1/0", r'--shard "1/0": the index must be 0 to 0 for 0 shards'),
        ("half", r'--shard "half" is not of the form i/N \(for example 0/4\)'),
        ("-1/2", r'--shard "-1/2" is not of the form i/N'),
    ],
)
def test_shard_parse_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Shard.parse(spec)


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_are_disjoint_and_cover_everything(count: int) -> None:
    shards = [Shard(index=i, count=count) for i in range(count)]
    owners = [[s.index for s in shards if s.contains(d)] for d in DOCUMENTS]
    assert all(len(owner) == 1 for owner in owners)


def test_shards_split_a_corpus_roughly_evenly() -> None:
    sizes = [sum(Shard(index=i, count=4).contains(d) for d in DOCUMENTS) for i in range(4)]
    assert min(sizes) >= 30 and sum(sizes) == 200
