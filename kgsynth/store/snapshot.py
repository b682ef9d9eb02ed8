"""``GraphSnapshot``: a compact, read-only, in-memory view of a graph for fast walks.

Walking a graph of millions of relations one store query per step is far too slow, so the
walkers and the sample factory read this snapshot instead: entities are numbered ``0..n-1`` in
id order, every relation is an edge ``k`` with int32 subject, predicate and object indexes,
and the out- and in-adjacency are numpy CSR arrays. Names, types and aliases are kept as
plain lists; evidence is *not* kept for snapshots built from a store (it is the bulk of a
graph), so ``relation(k)`` / ``relations(ks)`` read the full relation back from the store by its
key, only for the paths actually emitted. A snapshot built with ``from_graph`` keeps the
``Relation`` objects it was given.

The snapshot is built by streaming ``iter_entities`` and ``iter_relations(with_evidence=False)``,
so it works the same for every ``GraphStore`` backend, Neo4j included, as long as the graph fits
in memory (about 40 bytes per relation plus the entity names). Both builders order entities
and relations by id, so the same graph gives the same snapshot whichever way it was loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kgsynth.errors import WalkError, choices
from kgsynth.model import ROOT_TYPE, Entity, EntityType, Relation, RelationType, Schema, relation_id
from kgsynth.store.base import GraphStore

logger = logging.getLogger(__name__)

#: Hydrated relations (and entities) kept per snapshot before the cache is emptied (bounds memory).
RELATION_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class _Filters:
    """Which stored relations a snapshot keeps."""

    min_confidence: float = 0.0
    include_negated: bool = False
    include_hedged: bool = True

    def keep(self, relation: Relation) -> bool:
        return (
            relation.confidence >= self.min_confidence
            and (self.include_negated or not relation.negated)
            and (self.include_hedged or not relation.hedged)
        )


class _Csr:
    """One adjacency direction: for node ``i``, entries ``ptr[i]:ptr[i+1]`` of the three arrays."""

    __slots__ = ("edge", "nbr", "pred", "ptr")

    def __init__(self, n_nodes: int, near: np.ndarray, far: np.ndarray, pred: np.ndarray) -> None:
        order = np.argsort(near, kind="stable")  # stable: edges of a node stay in edge (id) order
        self.edge = order.astype(np.int32)
        self.nbr = far[order]
        self.pred = pred[order]
        counts = np.bincount(near, minlength=n_nodes)
        self.ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(counts, out=self.ptr[1:])

    def at(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = self.ptr[i], self.ptr[i + 1]
        return self.nbr[lo:hi], self.pred[lo:hi], self.edge[lo:hi]

    @property
    def nbytes(self) -> int:
        return self.edge.nbytes + self.nbr.nbytes + self.pred.nbytes + self.ptr.nbytes


class GraphSnapshot:
    """Entities and relations of a graph as numpy arrays, for walks and sample making.

    Build it with ``from_store`` or ``from_graph``; never mutate it. Public arrays (all of length
    ``n_relations``, indexed by edge ``k``): ``edge_subject``, ``edge_predicate``, ``edge_object``
    (int32), ``edge_confidence`` (float32), ``edge_negated``, ``edge_hedged`` (bool).

    Example:
        >>> from kgsynth.model import Entity, Relation
        >>> a, b = Entity.make("Drug", "aspirin"), Entity.make("Symptom", "pain")
        >>> fact = Relation(subject=a.id, predicate="treats", object=b.id)
        >>> graph = GraphSnapshot.from_graph([a, b], [fact])
        >>> graph.objects(a.id, "treats") == [b.id]
        True
    """

    def __init__(
        self,
        *,
        schema: Schema,
        entity_ids: list[str],
        entity_names: list[str],
        entity_type_index: np.ndarray,
        type_names: tuple[str, ...],
        aliases: dict[int, tuple[str, ...]],
        predicates: tuple[str, ...],
        subject: np.ndarray,
        predicate: np.ndarray,
        object_: np.ndarray,
        confidence: np.ndarray,
        negated: np.ndarray,
        hedged: np.ndarray,
        store: GraphStore | None = None,
        relations: list[Relation] | None = None,
    ) -> None:
        self.schema = schema
        self.predicates = predicates
        self.type_names = type_names
        self._ids = entity_ids
        self._names = entity_names
        self._type_index = entity_type_index
        self._aliases = aliases
        self._index = {entity_id: i for i, entity_id in enumerate(entity_ids)}
        self._predicate_index = {name: p for p, name in enumerate(predicates)}
        self.edge_subject = subject
        self.edge_predicate = predicate
        self.edge_object = object_
        self.edge_confidence = confidence
        self.edge_negated = negated
        self.edge_hedged = hedged
        self._out = _Csr(len(entity_ids), subject, object_, predicate)
        self._in = _Csr(len(entity_ids), object_, subject, predicate)
        self._store = store
        self._relations = relations
        self._cache: dict[int, Relation] = {}
        self._entities: dict[int, Entity] = {}
        self._type_members: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_store(
        cls,
        store: GraphStore,
        *,
        min_confidence: float = 0.0,
        include_negated: bool = False,
        include_hedged: bool = True,
        batch_size: int = 50_000,
    ) -> GraphSnapshot:
        """Snapshot the store's graph, streaming it page by page (evidence stays in the store).

        Relations are filtered here once (confidence, negated, hedged); walks can filter further.
        The snapshot keeps a reference to ``store`` to read full relations for emitted paths, so
        keep the store open while the snapshot is in use.
        """
        filters = _Filters(min_confidence, include_negated, include_hedged)
        builder = _Builder(filters)
        for page in store.iter_entities(batch_size):
            builder.add_entities(page)
        for page in store.iter_relations(batch_size, with_evidence=False):
            builder.add_relations(page)
        return builder.finish(store.schema(), store=store)

    @classmethod
    def from_graph(
        cls,
        entities: Iterable[Entity],
        relations: Iterable[Relation],
        *,
        schema: Schema | None = None,
        min_confidence: float = 0.0,
        include_negated: bool = False,
        include_hedged: bool = True,
    ) -> GraphSnapshot:
        """Snapshot entities and relations held in memory; the ``Relation`` objects are kept as given.

        Entities and relations are ordered by id first, so the input order does not matter.
        """
        filters = _Filters(min_confidence, include_negated, include_hedged)
        builder = _Builder(filters, keep_relations=True)
        builder.add_entities(sorted(entities, key=lambda e: e.id))
        by_id: dict[str, Relation] = {}
        for relation in relations:
            by_id.setdefault(relation.id, relation)
        builder.add_relations([by_id[k] for k in sorted(by_id)])
        return builder.finish(schema or Schema())

    # ------------------------------------------------------------------ sizes
    @property
    def n_entities(self) -> int:
        """Number of entities (nodes), related or not."""
        return len(self._ids)

    @property
    def n_relations(self) -> int:
        """Number of relations (edges) the snapshot kept."""
        return int(self.edge_subject.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held in numpy arrays (the per-relation part; names and ids are Python strings on top)."""
        arrays = (
            self.edge_subject,
            self.edge_predicate,
            self.edge_object,
            self.edge_confidence,
            self.edge_negated,
            self.edge_hedged,
            self._type_index,
        )
        return sum(a.nbytes for a in arrays) + self._out.nbytes + self._in.nbytes

    # ------------------------------------------------------------------ entities
    def index(self, entity_id: str) -> int:
        """The node index of ``entity_id``.

        Raises:
            WalkError: if the snapshot has no such entity.
        """
        try:
            return self._index[entity_id]
        except KeyError:
            raise WalkError(
                f'entity "{entity_id}" is not in this graph ({self.n_entities} entities). '
                "Entity ids look like: " + choices(self._ids[:5]) + "."
            ) from None

    def has_entity(self, entity_id: str) -> bool:
        """Whether ``entity_id`` is an entity of this snapshot."""
        return entity_id in self._index

    def entity_id(self, i: int) -> str:
        """The id of node ``i`` (cheaper than ``entity(i).id``)."""
        return self._ids[i]

    def entity(self, i: int) -> Entity:
        """Node ``i`` as an ``Entity`` (id, type, name, aliases); made once, then cached."""
        entity = self._entities.get(i)
        if entity is None:
            if len(self._entities) >= RELATION_CACHE_SIZE:
                self._entities.clear()
            # Read from a store or given as ``Entity`` objects: already valid, no need to validate again.
            entity = self._entities[i] = Entity.model_construct(
                id=self._ids[i],
                type=self.type_names[self._type_index[i]],
                name=self._names[i],
                aliases=self._aliases.get(i, ()),
            )
        return entity

    def entity_name(self, i: int) -> str:
        """The name of node ``i``."""
        return self._names[i]

    def entity_names(self) -> Sequence[str]:
        """Every node's name, by node index (the snapshot's own list: do not modify it)."""
        return self._names

    def entity_type(self, i: int) -> str:
        """The type name of node ``i``."""
        return self.type_names[self._type_index[i]]

    @property
    def entity_type_index(self) -> np.ndarray:
        """Per node, the index of its type in ``type_names`` (read-only view)."""
        view = self._type_index.view()
        view.flags.writeable = False
        return view

    def entities_of_type(self, type_name: str) -> np.ndarray:
        """Indexes of the nodes of ``type_name`` or any of its subclasses (``Thing``: all nodes)."""
        if type_name not in self._type_members:
            if type_name == ROOT_TYPE:
                members = np.arange(self.n_entities, dtype=np.int32)
            else:
                wanted = [t for t, name in enumerate(self.type_names) if self.schema.is_a(name, type_name)]
                members = np.flatnonzero(np.isin(self._type_index, wanted)).astype(np.int32)
            self._type_members[type_name] = members
        return self._type_members[type_name]

    # ------------------------------------------------------------------ edges
    def predicate_index(self, name: str) -> int:
        """The index of predicate ``name`` in ``predicates``.

        Raises:
            WalkError: naming the relations present, if the graph has no relation called ``name``.
        """
        try:
            return self._predicate_index[name]
        except KeyError:
            raise WalkError(
                f'relation "{name}" is not in this graph. Relations present: {choices(self.predicates)}.'
            ) from None

    def out_edges(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges leaving node ``i``: (target indexes, predicate indexes, edge indexes), in edge order."""
        return self._out.at(i)

    def in_edges(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges arriving at node ``i``: (source indexes, predicate indexes, edge indexes), in edge order."""
        return self._in.at(i)

    def csr(self, direction: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The raw adjacency ``(ptr, neighbour, predicate, edge)`` for ``"out"`` or ``"in"`` (read-only)."""
        csr = self._out if direction == "out" else self._in
        return csr.ptr, csr.nbr, csr.pred, csr.edge

    def degree(self, i: int) -> int:
        """Number of edges touching node ``i``, both directions."""
        return int(self._out.ptr[i + 1] - self._out.ptr[i] + self._in.ptr[i + 1] - self._in.ptr[i])

    def degrees(self) -> np.ndarray:
        """Degree (both directions) of every node, as an int64 array."""
        return np.diff(self._out.ptr) + np.diff(self._in.ptr)

    def edge(self, k: int) -> tuple[int, int, int]:
        """Edge ``k`` as (subject index, predicate index, object index)."""
        return int(self.edge_subject[k]), int(self.edge_predicate[k]), int(self.edge_object[k])

    def edge_key(self, k: int) -> tuple[str, str, str, bool]:
        """Edge ``k`` as ``Relation.key``: (subject id, predicate, object id, negated)."""
        return (
            self._ids[self.edge_subject[k]],
            self.predicates[self.edge_predicate[k]],
            self._ids[self.edge_object[k]],
            bool(self.edge_negated[k]),
        )

    def relation(self, k: int) -> Relation:
        """Edge ``k`` as a full ``Relation``, evidence included."""
        return self.relations([k])[0]

    def relations(self, ks: Sequence[int]) -> list[Relation]:
        """Edges ``ks`` as full ``Relation`` objects, in order; store reads are batched and cached."""
        if self._relations is not None:
            return [self._relations[int(k)] for k in ks]
        missing = sorted({int(k) for k in ks if int(k) not in self._cache})
        if missing:
            if len(self._cache) + len(missing) > RELATION_CACHE_SIZE:
                self._cache.clear()
            self._cache.update(zip(missing, self._read_relations(missing), strict=True))
        return [self._cache[int(k)] for k in ks]

    def clear_cache(self) -> None:
        """Forget the relations and entities read so far (benchmarks time cold reads with it)."""
        self._cache.clear()
        self._entities.clear()

    def _read_relations(self, ks: list[int]) -> list[Relation]:
        assert self._store is not None
        keys = [self.edge_key(k) for k in ks]
        by_id = getattr(self._store, "relations_by_id", None)
        if by_id is not None:  # one query for the whole batch where the backend offers it
            found = {r.key: r for r in by_id([relation_id(*key) for key in keys])}
        else:
            found = {}
            for s, p, o, negated in keys:
                for relation in self._store.relations(subject=s, predicate=p, object=o, negated=negated):
                    found[relation.key] = relation
        missing = [key for key in keys if key not in found]
        if missing:
            raise WalkError(
                f"relation {missing[0][0]} -{missing[0][1]}-> {missing[0][2]} is no longer in the store "
                f'"{self._store.url}"; the graph changed after the snapshot was taken. Take a new snapshot.'
            )
        return [found[key] for key in keys]

    # ------------------------------------------------------------------ fact lookups
    def has_fact(self, subject_id: str, predicate: str, object_id: str, *, negated: bool = False) -> bool:
        """Whether the snapshot holds ``subject -predicate-> object`` (positive unless ``negated``)."""
        s, o = self._index.get(subject_id), self._index.get(object_id)
        p = self._predicate_index.get(predicate)
        if s is None or o is None or p is None:
            return False
        targets, preds, edges = self._out.at(s)
        hit = (targets == o) & (preds == p)
        return bool(np.any(self.edge_negated[edges[hit]] == negated))

    def objects(self, subject_id: str, predicate: str) -> list[str]:
        """Ids of the entities ``subject -predicate-> ?`` holds for (positive facts), in edge order."""
        return self._ends(self._out, subject_id, predicate)

    def subjects(self, predicate: str, object_id: str) -> list[str]:
        """Ids of the entities ``? -predicate-> object`` holds for (positive facts), in edge order."""
        return self._ends(self._in, object_id, predicate)

    def _ends(self, csr: _Csr, entity_id: str, predicate: str) -> list[str]:
        i, p = self._index.get(entity_id), self._predicate_index.get(predicate)
        if i is None or p is None:
            return []
        far, preds, edges = csr.at(i)
        keep = (preds == p) & ~self.edge_negated[edges]
        return [self._ids[j] for j in far[keep]]

    def __repr__(self) -> str:
        return (
            f"GraphSnapshot({self.n_entities} entities, {self.n_relations} relations, "
            f"{len(self.predicates)} predicates)"
        )


_COLUMN_TYPES = (np.int32, np.int32, np.int32, np.float32, bool, bool)


class _Builder:
    """Accumulates entity and relation pages into the arrays of a ``GraphSnapshot``."""

    def __init__(self, filters: _Filters, keep_relations: bool = False) -> None:
        self.filters = filters
        self.ids: list[str] = []
        self.names: list[str] = []
        self.types: list[int] = []
        self.type_index: dict[str, int] = {}
        self.aliases: dict[int, tuple[str, ...]] = {}
        self.index: dict[str, int] = {}
        self.predicate_index: dict[str, int] = {}
        #: One (subject, predicate, object, confidence, negated, hedged) array tuple per page: a page's
        #: rows become compact numpy columns at once, so memory holds ~18 bytes a kept relation,
        #: not a Python tuple each (about 200 bytes), while the snapshot is read.
        self.pages: list[tuple[np.ndarray, ...]] = []
        self.kept: list[Relation] | None = [] if keep_relations else None
        self.dropped = 0
        self.dangling = 0

    def add_entities(self, entities: Iterable[Entity]) -> None:
        for entity in entities:
            i = self.index.get(entity.id)
            if i is None:  # a repeated id: the later entity wins, as in the stores' merge rules
                i = self.index[entity.id] = len(self.ids)
                self.ids.append(entity.id)
                self.names.append(entity.name)
                self.types.append(0)
            self.names[i] = entity.name
            self.types[i] = self.type_index.setdefault(entity.type, len(self.type_index))
            if entity.aliases:
                self.aliases[i] = tuple(entity.aliases)

    def add_relations(self, relations: Iterable[Relation]) -> None:
        index, keep = self.index, self.filters.keep
        rows: list[tuple[int, int, int, float, bool, bool]] = []
        for relation in relations:
            if not keep(relation):
                self.dropped += 1
                continue
            s, o = index.get(relation.subject), index.get(relation.object)
            if s is None or o is None:
                self.dangling += 1
                continue
            p = self.predicate_index.setdefault(relation.predicate, len(self.predicate_index))
            rows.append((s, p, o, relation.confidence, relation.negated, relation.hedged))
            if self.kept is not None:
                self.kept.append(relation)
        if rows:
            s, p, o, confidence, negated, hedged = zip(*rows, strict=True)
            self.pages.append(
                (
                    np.array(s, dtype=np.int32),
                    np.array(p, dtype=np.int32),
                    np.array(o, dtype=np.int32),
                    np.array(confidence, dtype=np.float32),
                    np.array(negated, dtype=bool),
                    np.array(hedged, dtype=bool),
                )
            )

    def _column(self, k: int, dtype: type) -> np.ndarray:
        if not self.pages:
            return np.zeros(0, dtype=dtype)
        return np.concatenate([page[k] for page in self.pages])

    def finish(self, schema: Schema, store: GraphStore | None = None) -> GraphSnapshot:
        if self.dangling:
            logger.warning("snapshot: %d relations dropped: subject or object entity missing", self.dangling)
        columns = [self._column(k, dtype) for k, dtype in enumerate(_COLUMN_TYPES)]
        self.pages = []
        snapshot = GraphSnapshot(
            schema=_complete_schema(schema, tuple(self.type_index), tuple(self.predicate_index)),
            entity_ids=self.ids,
            entity_names=self.names,
            entity_type_index=np.array(self.types, dtype=np.int32),
            type_names=tuple(self.type_index),
            aliases=self.aliases,
            predicates=tuple(self.predicate_index),
            subject=columns[0],
            predicate=columns[1],
            object_=columns[2],
            confidence=columns[3],
            negated=columns[4],
            hedged=columns[5],
            store=store,
            relations=self.kept,
        )
        logger.info(
            "snapshot: %d entities, %d relations (%d filtered out), %.1f MiB of arrays",
            snapshot.n_entities,
            snapshot.n_relations,
            self.dropped,
            snapshot.nbytes / 2**20,
        )
        return snapshot


def _complete_schema(schema: Schema, type_names: tuple[str, ...], predicates: tuple[str, ...]) -> Schema:
    """``schema`` plus bare entry for every type and predicate the data uses but it lacks (RDF imports)."""
    missing_types = [t for t in type_names if not schema.has_entity_type(t) and t != ROOT_TYPE]
    missing_relations = [p for p in predicates if not schema.has_relation(p)]
    if not missing_types and not missing_relations:
        return schema
    try:
        extra = Schema(
            entity_types=tuple(EntityType(name=t) for t in missing_types),
            relation_types=tuple(RelationType(name=p) for p in missing_relations),
        )
    except ValueError:  # a reserved name in the data: keep the schema as stored rather than fail
        return schema
    return schema.merge(extra)


__all__ = ["GraphSnapshot"]
