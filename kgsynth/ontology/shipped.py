"""The ontologies kgsynth ships ("medical", "legal"), found in a source checkout or an installed wheel.

There is one copy, in the repository's ``ontologies/`` folder. A wheel carries that folder as
package data at ``kgsynth/ontology/bundled/`` (see the ``package-dir`` mapping in
``pyproject.toml``), so the installed location is tried first and the checkout second.
"""

from __future__ import annotations

from pathlib import Path

from kgsynth.errors import OntologyError, choices

_HERE = Path(__file__).resolve().parent
#: Where to look, in order: the wheel's package data, then the source checkout.
SHIPPED_DIRS = (_HERE / "bundled", _HERE.parents[1] / "ontologies")
_SUFFIX = ".ttl"


def shipped_ontologies() -> tuple[str, ...]:
    """Names of the shipped ontologies, sorted (``("legal", "medical")``)."""
    folder = _shipped_dir()
    if folder is None:
        return ()
    return tuple(sorted(path.stem for path in folder.glob(f"*{_SUFFIX}")))


def shipped_ontology_path(name: str) -> Path:
    """The file of the shipped ontology called ``name``.

    Raises:
        OntologyError: no shipped ontology has that name; the message lists the names there are.
    """
    folder = _shipped_dir()
    path = folder / f"{name}{_SUFFIX}" if folder else None
    if path is None or not path.is_file():
        raise OntologyError(
            f'"{name}" is neither an ontology file nor a shipped ontology. '
            f"Shipped ontologies: {choices(shipped_ontologies())}."
        )
    return path


def _shipped_dir() -> Path | None:
    return next((folder for folder in SHIPPED_DIRS if folder.is_dir()), None)
