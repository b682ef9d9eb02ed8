"""What an import or an export did, counted, so nothing is dropped silently."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ImportReport(BaseModel):
    """Counts of one import.

    Every parsed triple lands in exactly one of ``attribute_triples`` (a type, label or
    alias of an entity), ``relations``, ``schema_triples`` (about classes, properties and
    OWL structure) or ``skipped`` (by predicate IRI: literal values other than names, such
    as ``rdfs:comment``, and vocabulary links such as ``owl:sameAs``), so they add up to
    ``triples``. A JSONL import counts lines instead: ``triples`` stays 0.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    format: str
    document_id: str
    triples: int = 0
    entities: int = 0
    relations: int = 0
    attribute_triples: int = 0
    schema_triples: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)
    blank_nodes: int = 0
    several_types: int = 0
    entity_types: int = 0
    relation_types: int = 0

    @property
    def skipped_triples(self) -> int:
        """Triples not imported, over all predicates."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line for the log or the terminal."""
        line = (
            f"import {self.source} ({self.format}): {self.entities} entities, {self.relations} relations"
            f" of {self.relation_types} relation types, {self.entity_types} entity types"
        )
        if self.format != "jsonl":
            line += f"; {self.triples} triples ({self.schema_triples} schema"
            if self.skipped:
                worst = sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
                line += f", {self.skipped_triples} skipped: " + ", ".join(f"{p} {n}" for p, n in worst)
                if len(self.skipped) > 3:
                    line += ", ..."
            line += ")"
        if self.blank_nodes:
            line += f"; {self.blank_nodes} blank nodes named"
        if self.several_types:
            line += f"; {self.several_types} entities with several types kept their most specific"
        return line


class ExportReport(BaseModel):
    """Counts of one export; ``skipped_negated`` relations have no place in plain RDF."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str
    entities: int = 0
    relations: int = 0
    skipped_negated: int = 0
    triples: int = 0

    def summary(self) -> str:
        """One line for the log or the terminal."""
        line = f"export ({self.format}): {self.entities} entities, {self.relations} relations"
        if self.triples:
            line += f", {self.triples} triples"
        if self.skipped_negated:
            line += f"; {self.skipped_negated} negated relations skipped (RDF cannot state them; use jsonl)"
        return line
