"""The ``kgsynth`` command line: one command per stage, mirroring the library (see app.py)."""

from __future__ import annotations

from kgsynth.cli import blend, build, check, generate, ontology, project, rdf, serve  # noqa: F401  (registers commands)
from kgsynth.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
