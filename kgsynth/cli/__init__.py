"""The ``kgsynth`` command line: one command per stage, mirroring the library (see app.py)."""

from __future__ import annotations

import sys

from kgsynth.cli import blend, build, check, generate, ontology, project, rdf, serve  # noqa: F401  (registers commands)
from kgsynth.cli.app import app
from kgsynth.cli.optional_values import with_implied_values

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app(args=with_implied_values(sys.argv[1:]))
