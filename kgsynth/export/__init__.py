"""Export stage: samples -> JSONL in training shapes, quality control, coverage and dataset card.

``write_samples(samples, out, format)`` writes raw / alpaca / sharegpt / openai JSONL;
``NearDuplicateFilter``, ``leaks_answer`` and ``BalanceCaps`` filter a run's samples;
``coverage_report`` measures how much of the graph they use; ``dataset_card`` writes the
markdown that goes beside the JSONL.
"""

from kgsynth.export.card import dataset_card
from kgsynth.export.coverage import CoverageCounter, CoverageReport, HopCoverage, coverage_report
from kgsynth.export.formats import FORMATS, Format, provenance_of, response_text, to_record, write_samples
from kgsynth.export.qc import BalanceCaps, NearDuplicateFilter, leaks_answer

__all__ = [
    "FORMATS",
    "BalanceCaps",
    "CoverageCounter",
    "CoverageReport",
    "Format",
    "HopCoverage",
    "NearDuplicateFilter",
    "coverage_report",
    "dataset_card",
    "leaks_answer",
    "provenance_of",
    "response_text",
    "to_record",
    "write_samples",
]
