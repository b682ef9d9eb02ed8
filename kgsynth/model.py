"""The data model every stage passes on, in kgsynth's own terms.

Graph content: ``Document`` -> ``Chunk`` -> ``Mention`` of an ``Entity``; a ``Relation``
between two entities carries ``Evidence`` (document, chunk, character span, sentence,
extractor) for each place it was read. Schema: ``Schema`` holds the ``EntityType``\\ s and
``RelationType``\\ s read from an ontology (or derived from imported RDF). ``GraphBatch``
is the unit a store writes in one transaction.

Ids are deterministic, so re-ingesting the same input changes nothing:
document id = hash of the normalised text; chunk id = hash of document id and span;
entity id = ``<type>:<normalised name>`` (or an IRI / ontology id when linked);
relation id = hash of subject, predicate, object and polarity.

Between commands these models travel as JSONL, one ``model_dump_json()`` per line.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kgsynth.errors import UnknownEntityTypeError, UnknownRelationError, choices

#: Schema names become Neo4j labels and relationship types, so they must be plain identifiers.
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER)]

#: The entity type of things whose type is unknown (RDF resources with no rdf:type).
ROOT_TYPE = "Thing"

_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def content_hash(*parts: str, length: int = 16) -> str:
    """Hex digest of the parts, joined unambiguously; the basis of every generated id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def normalise_text(text: str) -> str:
    """NFKC-normalise and collapse whitespace: two copies of a document that differ only so hash alike."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def normalise_name(name: str) -> str:
    """Key for comparing entity names: NFKC, case-folded, spaces collapsed, edge punctuation dropped."""
    folded = normalise_text(name).casefold()
    return _EDGE_PUNCT.sub("", folded) or folded


def entity_id(type_name: str, name: str) -> str:
    """Stable id of an entity of ``type_name`` named ``name``: ``Drug:aspirin``."""
    return f"{type_name}:{normalise_name(name)}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- graph content


class Document(_Frozen):
    """A source text. ``id`` is the hash of its normalised text, so identical inputs collapse."""

    id: str
    source: str = ""
    text: str
    metadata: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str, source: str = "", metadata: dict[str, str] | None = None) -> Document:
        """Make a document whose id is derived from its content."""
        return cls(id=document_id(text), source=source, text=text, metadata=metadata or {})


def document_id(text: str) -> str:
    """Id of a document with this text: ``doc:`` + hash of the normalised text."""
    return "doc:" + content_hash(normalise_text(text))


class Chunk(_Frozen):
    """A contiguous span of a document (a sentence group or paragraph); offsets index ``Document.text``."""

    id: str
    document_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @classmethod
    def of(cls, document: Document, start: int, end: int) -> Chunk:
        """The chunk of ``document`` between ``start`` and ``end``, with a content-hash id."""
        return cls(
            id="chunk:" + content_hash(document.id, str(start), str(end)),
            document_id=document.id,
            start=start,
            end=end,
            text=document.text[start:end],
        )


class Entity(_Frozen):
    """A node of the graph: one canonical thing of one ontology type."""

    id: str
    type: Identifier = ROOT_TYPE
    name: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def make(cls, type_name: str, name: str, aliases: tuple[str, ...] = ()) -> Entity:
        """An entity whose id is derived from its type and normalised name."""
        return cls(id=entity_id(type_name, name), type=type_name, name=name, aliases=aliases)


class Mention(_Frozen):
    """Where an entity is named in a document; offsets index ``Document.text``."""

    entity_id: str
    document_id: str
    chunk_id: str | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    sentence: str = ""

    @property
    def id(self) -> str:
        """Stable id: the same mention read twice is one row."""
        return "men:" + content_hash(self.entity_id, self.document_id, str(self.start), str(self.end))


class Evidence(_Frozen):
    """One place a relation was read: the document, chunk, character span and sentence, and by what."""

    document_id: str
    chunk_id: str | None = None
    start: int | None = None
    end: int | None = None
    sentence: str = ""
    extractor: str

    @property
    def key(self) -> str:
        """Identity of this piece of evidence within its relation."""
        return content_hash(self.document_id, str(self.start), str(self.end), self.extractor)


class Relation(_Frozen):
    """A directed, typed fact between two entities, with the evidence for it.

    ``negated`` facts ("X does not cause Y") are stored as their own relation rather than
    dropped, so a checker can report a contradiction. ``hedged`` marks facts only ever read
    in hedged form ("may be associated with").
    """

    subject: str
    predicate: Identifier
    object: str
    negated: bool = False
    hedged: bool = False
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()

    @property
    def id(self) -> str:
        """Stable id from subject, predicate, object and polarity (not from evidence or confidence)."""
        return relation_id(self.subject, self.predicate, self.object, self.negated)

    @property
    def key(self) -> tuple[str, str, str, bool]:
        """The fact itself, without evidence: what two equal facts share."""
        return (self.subject, self.predicate, self.object, self.negated)


def relation_id(subject: str, predicate: str, object_: str, negated: bool = False) -> str:
    """Id of the relation ``subject -predicate-> object`` with the given polarity."""
    return "rel:" + content_hash(subject, predicate, object_, "neg" if negated else "pos")


class GraphBatch(_Frozen):
    """What a store writes in one transaction: all of it lands, or none of it."""

    documents: tuple[Document, ...] = ()
    chunks: tuple[Chunk, ...] = ()
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()

    def __len__(self) -> int:
        return (
            len(self.documents)
            + len(self.chunks)
            + len(self.entities)
            + len(self.mentions)
            + len(self.relations)
        )


# --------------------------------------------------------------------------- query results


class EntityMatch(_Frozen):
    """An entity found by name, with how it was found and how well it matched (0..1)."""

    entity: Entity
    method: Literal["id", "name", "alias", "fuzzy"]
    score: float = Field(ge=0.0, le=1.0)


class Subgraph(_Frozen):
    """Entities and relations around a seed entity, as returned by ``GraphStore.subgraph``."""

    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()


class GraphStats(_Frozen):
    """Counts of what a store holds."""

    documents: int = 0
    chunks: int = 0
    entities: int = 0
    mentions: int = 0
    relations: int = 0
    evidence: int = 0
    entities_by_type: dict[str, int] = Field(default_factory=dict)
    relations_by_predicate: dict[str, int] = Field(default_factory=dict)
    orphan_entities: int = 0


class DeletionReport(_Frozen):
    """What deleting a document removed: facts only it supported, and the document itself."""

    document_id: str
    documents: int = 0
    chunks: int = 0
    mentions: int = 0
    evidence: int = 0
    relations: int = 0
    entities: int = 0


# --------------------------------------------------------------------------- schema


class EntityType(_Frozen):
    """An ontology class. ``parents`` are direct superclasses, by name."""

    name: Identifier
    iri: str = ""
    label: str = ""
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    description: str = ""


class RelationType(_Frozen):
    """An object property. ``domain``/``range`` name entity types (empty = any).

    ``implies`` and ``implies_inverse`` are its super-properties (``rdfs:subPropertyOf``): a
    fact ``s -p-> o`` also states ``s -q-> o`` for each ``q`` in ``implies`` and ``o -q-> s``
    for each ``q`` in ``implies_inverse`` (``p rdfs:subPropertyOf [owl:inverseOf q]``), so
    "D causes X" is held by a stored "X is an adverse effect of D". Entailment runs one
    way only: "X is an adverse effect of D" is not held by "D causes X".
    """

    name: Identifier
    iri: str = ""
    label: str = ""
    synonyms: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    functional: bool = False
    symmetric: bool = False
    inverse_of: str | None = None
    implies: tuple[str, ...] = ()
    implies_inverse: tuple[str, ...] = ()
    description: str = ""


#: Names the stores use for their own nodes and edges; an ontology may not reuse them.
RESERVED_NAMES = frozenset(
    {"Entity", "Document", "Chunk", "KgsynthMeta", "DocumentFacts", "MENTIONS", "HAS_CHUNK"}
)


class Schema(_Frozen):
    """The entity and relation types a graph may hold, read from an ontology or derived from data."""

    name: str = ""
    iri: str = ""
    entity_types: tuple[EntityType, ...] = ()
    relation_types: tuple[RelationType, ...] = ()

    @model_validator(mode="after")
    def _names_are_unique_and_free(self) -> Schema:
        for kind, names in (
            ("entity type", [t.name for t in self.entity_types]),
            ("relation", [r.name for r in self.relation_types]),
        ):
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise ValueError(f"{kind} {name!r} is defined twice")
                if name in RESERVED_NAMES:
                    raise ValueError(
                        f"{kind} {name!r} is a name kgsynth reserves ({choices(RESERVED_NAMES)})"
                    )
                seen.add(name)
        return self

    def entity_type(self, name: str) -> EntityType:
        """The entity type called ``name``; raises with the valid names if there is none."""
        for entity_type in self.entity_types:
            if entity_type.name == name:
                return entity_type
        raise UnknownEntityTypeError(
            f'entity type "{name}" is not in the schema{self._of()}. '
            f"Types present: {choices(t.name for t in self.entity_types)}."
        )

    def relation_type(self, name: str) -> RelationType:
        """The relation type called ``name``; raises with the valid names if there is none."""
        for relation_type in self.relation_types:
            if relation_type.name == name:
                return relation_type
        raise UnknownRelationError(
            f'relation "{name}" is not in the schema{self._of()}. '
            f"Relations present: {choices(r.name for r in self.relation_types)}."
        )

    def has_entity_type(self, name: str) -> bool:
        """Whether ``name`` is an entity type of this schema."""
        return any(t.name == name for t in self.entity_types)

    def has_relation(self, name: str) -> bool:
        """Whether ``name`` is a relation of this schema."""
        return any(r.name == name for r in self.relation_types)

    def ancestors(self, name: str) -> tuple[str, ...]:
        """``name`` and all its superclasses, nearest first."""
        by_name = {t.name: t for t in self.entity_types}
        order: list[str] = []
        frontier = [name]
        while frontier:
            current = frontier.pop(0)
            if current in order:
                continue
            order.append(current)
            if current in by_name:
                frontier.extend(by_name[current].parents)
        return tuple(order)

    def is_a(self, type_name: str, ancestor: str) -> bool:
        """Whether ``type_name`` is ``ancestor`` or one of its subclasses (``Thing`` is everyone's)."""
        return ancestor == ROOT_TYPE or ancestor in self.ancestors(type_name)

    def sub_properties(self, predicate: str) -> tuple[tuple[str, bool], ...]:
        """The relations that imply ``predicate`` (``RelationType.implies``): ``(name, reversed)``,
        ``reversed`` when a fact of ``name`` states ``predicate`` between its ends swapped."""
        return tuple(
            (r.name, reversed_)
            for r in self.relation_types
            for reversed_, supers in ((False, r.implies), (True, r.implies_inverse))
            if predicate in supers and r.name != predicate
        )

    def merge(self, other: Schema) -> Schema:
        """This schema plus the types of ``other`` it lacks (ours win on a name clash)."""
        entity_names = {t.name for t in self.entity_types}
        relation_names = {r.name for r in self.relation_types}
        return self.model_copy(
            update={
                "entity_types": self.entity_types
                + tuple(t for t in other.entity_types if t.name not in entity_names),
                "relation_types": self.relation_types
                + tuple(r for r in other.relation_types if r.name not in relation_names),
            }
        )

    def _of(self) -> str:
        return f" {self.name}" if self.name else ""


# --------------------------------------------------------------------------- walks and samples


class FactPath(_Frozen):
    """Facts picked from the graph for one sample.

    For ``shape="chain"``, ``entities[i]`` and ``entities[i+1]`` are joined by ``relations[i]``
    (in either direction: read the relation's subject/object), no entity repeats, and the hop
    count is ``len(relations)``. For ``shape="star"`` (counting, comparison) every relation
    touches ``entities[0]``.
    """

    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    shape: Literal["chain", "star"] = "chain"
    strategy: str
    seed: int

    @property
    def hops(self) -> int:
        """Number of relations on the path."""
        return len(self.relations)


class TripleCheck(_Frozen):
    """A store-independent check of one fact: must ``subject -predicate-> object`` hold, or be absent?"""

    subject: str
    predicate: Identifier
    object: str
    negated: bool = False
    expect: Literal["holds", "absent"] = "holds"


class ReasoningStep(_Frozen):
    """One step of a reasoning chain: a sentence stating exactly one fact, citing it."""

    text: str
    relation_id: str


class Sample(BaseModel):
    """A generated (or imported) QA sample with everything needed to re-check it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    question: str
    answer: str
    choices: tuple[str, ...] = ()
    reasoning: tuple[ReasoningStep, ...] = ()
    label: Literal["positive", "negative"] = "positive"
    hops: int = Field(ge=0)
    language: str = "en"
    made_by: str
    path: FactPath
    checks: tuple[TripleCheck, ...] = ()
    meta: dict[str, str] = Field(default_factory=dict)


# --------------------------------------------------------------------------- fact-checking

ClaimStatus = Literal["supported", "contradicted", "not_in_graph", "unlinkable"]
SampleStatus = Literal["supported", "contradicted", "not_fully_supported"]


class LinkedMention(_Frozen):
    """An entity mention in checked text and the graph entity it was linked to (None: unlinkable)."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    type: str | None = None
    entity_id: str | None = None
    method: str = ""
    score: float = Field(default=0.0, ge=0.0, le=1.0)


class Claim(_Frozen):
    """One statement read from text: subject -predicate-> object, with polarity and where it was."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    subject: LinkedMention
    predicate: Identifier
    object: LinkedMention
    negated: bool = False
    hedged: bool = False
    rule: str = ""


class Verdict(_Frozen):
    """What the graph says of one claim, with the triples (and their evidence) that say it."""

    status: ClaimStatus
    claim: Claim
    evidence: tuple[Relation, ...] = ()
    reason: str = ""


class CheckResult(_Frozen):
    """The verdict on one input record: any contradicted claim -> contradicted; all supported -> supported."""

    id: str | None = None
    status: SampleStatus
    verdicts: tuple[Verdict, ...] = ()
    reason: str = ""
