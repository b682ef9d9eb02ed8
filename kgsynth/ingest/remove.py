"""``remove``: take one document out of the graph, with every fact that only it supported."""

from __future__ import annotations

import logging

from kgsynth.model import DeletionReport
from kgsynth.store import GraphStore

logger = logging.getLogger(__name__)


def remove(store: GraphStore, document_id: str) -> DeletionReport:
    """Delete ``document_id`` with its chunks and mentions, and relations and entities only it supported.

    Relations that other documents also support keep their other evidence; see
    ``GraphStore.delete_document`` for the exact rule.

    Raises:
        StoreError: if no document has that id.

    Example:
        >>> remove(store, "doc:3f2a9c0d1e4b5a67").relations
        2
    """
    report = store.delete_document(document_id)
    logger.info(
        "remove: %s: %d chunks, %d mentions, %d evidence, %d relations, %d entities deleted",
        document_id, report.chunks, report.mentions, report.evidence, report.relations, report.entities,
    )
    return report
