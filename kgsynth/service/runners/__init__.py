"""What the worker runs for each kind of task: one function per kind, given a ``RunContext``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kgsynth.service.runners.context import PROGRESS_EVERY, RunContext, TaskCancelled
from kgsynth.service.runners.extraction import run_extraction
from kgsynth.service.runners.factcheck import output_path, run_factcheck
from kgsynth.service.runners.synthesis import run_synthesis

RUNNERS: dict[str, Callable[[RunContext], dict[str, Any]]] = {
    "extraction": run_extraction,
    "synthesis": run_synthesis,
    "factcheck": run_factcheck,
}

__all__ = [
    "PROGRESS_EVERY",
    "RUNNERS",
    "RunContext",
    "TaskCancelled",
    "output_path",
    "run_extraction",
    "run_factcheck",
    "run_synthesis",
]
