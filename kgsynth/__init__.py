"""kgsynth: knowledge-graph-grounded synthesis of LLM training and evaluation data.

The entry points mirror the CLI (``kgsynth import`` -> ``kgsynth.import_rdf`` and so on).
They are imported lazily, so ``import kgsynth`` (and every CLI call) does not pay for spaCy,
rdflib or numpy until a stage that needs them is used.

Example:
    >>> import kgsynth
    >>> with kgsynth.open_store(":memory:") as store:
    ...     store.stats().entities
    0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "CheckResult": "kgsynth.model",
    "Chunk": "kgsynth.model",
    "Claim": "kgsynth.model",
    "Config": "kgsynth.config",
    "Document": "kgsynth.model",
    "Entity": "kgsynth.model",
    "EntityType": "kgsynth.model",
    "Evidence": "kgsynth.model",
    "FactPath": "kgsynth.model",
    "GraphBatch": "kgsynth.model",
    "GraphStore": "kgsynth.store",
    "KgsynthError": "kgsynth.errors",
    "Mention": "kgsynth.model",
    "Relation": "kgsynth.model",
    "RelationType": "kgsynth.model",
    "Sample": "kgsynth.model",
    "SampleFactory": "kgsynth.generate",
    "SynthesisSpec": "kgsynth.pipeline",
    "WalkSpec": "kgsynth.walks",
    "Schema": "kgsynth.model",
    "Verdict": "kgsynth.model",
    "build": "kgsynth.ingest",
    "check": "kgsynth.verify",
    "check_ontology": "kgsynth.ontology",
    "export_graph": "kgsynth.rdf",
    "import_rdf": "kgsynth.rdf",
    "load_ontology": "kgsynth.ontology",
    "open_store": "kgsynth.store",
    "remove": "kgsynth.ingest",
    "synthesize": "kgsynth.pipeline",
    "walk": "kgsynth.walks",
    "write_samples": "kgsynth.export",
}

__all__ = [
    "CheckResult",
    "Chunk",
    "Claim",
    "Config",
    "Document",
    "Entity",
    "EntityType",
    "Evidence",
    "FactPath",
    "GraphBatch",
    "GraphStore",
    "KgsynthError",
    "Mention",
    "Relation",
    "RelationType",
    "Sample",
    "SampleFactory",
    "Schema",
    "SynthesisSpec",
    "Verdict",
    "WalkSpec",
    "build",
    "check",
    "check_ontology",
    "export_graph",
    "import_rdf",
    "load_ontology",
    "open_store",
    "remove",
    "synthesize",
    "walk",
    "write_samples",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from kgsynth.config import Config
    from kgsynth.errors import KgsynthError
    from kgsynth.export import write_samples
    from kgsynth.generate import SampleFactory
    from kgsynth.ingest import build, remove
    from kgsynth.model import (
        CheckResult,
        Chunk,
        Claim,
        Document,
        Entity,
        EntityType,
        Evidence,
        FactPath,
        GraphBatch,
        Mention,
        Relation,
        RelationType,
        Sample,
        Schema,
        Verdict,
    )
    from kgsynth.ontology import check_ontology, load_ontology
    from kgsynth.pipeline import SynthesisSpec, synthesize
    from kgsynth.rdf import export_graph, import_rdf
    from kgsynth.store import GraphStore, open_store
    from kgsynth.verify import check
    from kgsynth.walks import WalkSpec, walk


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kgsynth' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
