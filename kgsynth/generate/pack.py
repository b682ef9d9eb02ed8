"""Find template packs: the shipped ones (``generic``, ``medical``, ``legal``) and user folders.

Shipped packs live in the repository's ``templates/`` folder. An installed wheel carries a copy
as package data under ``kgsynth/generate/_templates`` (in a checkout that path is a symlink to
``templates/``), so ``templates_root`` looks there first and then at the checkout. A user pack
is any folder with a ``manifest.yaml``, passed as ``templates_dir`` or ``pack=PATH``; it falls
back to a shipped pack (``fallback:`` in its manifest, ``generic`` by default) for any question
type or relation it does not cover, so a pack of two templates is already useful.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kgsynth.errors import ConfigError, TemplateError, choices
from kgsynth.generate.manifest import Manifest, TemplateEntry, load_manifest

logger = logging.getLogger(__name__)

MANIFEST = "manifest.yaml"
#: Share of a graph's relations a domain pack must know for ``pack="auto"`` to choose it.
AUTO_MIN_SHARE = 0.5


def templates_root() -> Path:
    """The folder holding the shipped packs: package data in a wheel, else the checkout's ``templates/``."""
    packaged = Path(__file__).resolve().parent / "_templates"
    if (packaged / "generic" / MANIFEST).is_file():
        return packaged.resolve()  # in a checkout: the real templates/ path, for error messages
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if (checkout / "generic" / MANIFEST).is_file():
        return checkout
    raise TemplateError(
        f"the shipped template packs are missing: looked in {packaged} and {checkout}. "
        "Reinstall kgsynth, or pass templates_dir / --pack PATH to a pack folder."
    )


@dataclass(frozen=True, eq=False)  # identity: packs are loaded once per folder and cached
class Pack:
    """One loaded pack: its folder, its manifest, and the languages it has templates in."""

    name: str
    root: Path
    manifest: Manifest
    languages: tuple[str, ...] = field(default=())

    def template_path(self, entry: TemplateEntry, language: str) -> Path:
        """Where the ``language`` version of ``entry`` lives: ``<pack>/<language>/<id>.j2``."""
        return self.root / language / f"{entry.id}.j2"

    def entries(self, type_name: str, language: str) -> list[TemplateEntry]:
        """Templates of this type that exist in ``language``, in manifest order."""
        return _entries(self, type_name, language)


@cache
def _entries(pack: Pack, type_name: str, language: str) -> list[TemplateEntry]:
    """``Pack.entries``, looked up on disk once: it is asked for every sample."""
    return [
        e
        for e in pack.manifest.templates
        if e.type == type_name and pack.template_path(e, language).is_file()
    ]


def shipped_packs() -> tuple[str, ...]:
    """Names of the packs that ship with kgsynth."""
    root = templates_root()
    return tuple(sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file()))


@cache
def _load_folder(root: Path) -> Pack:
    manifest = load_manifest(root / MANIFEST)
    languages = tuple(sorted(d.name for d in root.iterdir() if d.is_dir() and any(d.glob("*.j2"))))
    for entry in manifest.templates:
        if not any((root / language / f"{entry.id}.j2").is_file() for language in languages):
            raise TemplateError(
                f"{root / MANIFEST}: template {entry.id} has no file; expected "
                f"{root}/<language>/{entry.id}.j2 for one of the languages {choices(languages)}."
            )
    return Pack(manifest.pack, root, manifest, languages)


def load_pack(pack: str | Path) -> Pack:
    """A shipped pack by name, or a user pack by folder path.

    Raises:
        ConfigError: if ``pack`` is neither a shipped pack nor a folder with a manifest.yaml.
        TemplateError: if the manifest is broken (the message names file and line).
    """
    text = str(pack)
    shipped = templates_root() / text
    if "/" not in text and "\\" not in text and (shipped / MANIFEST).is_file():
        return _load_folder(shipped.resolve())
    folder = Path(pack).expanduser()
    if (folder / MANIFEST).is_file():
        return _load_folder(folder.resolve())
    if folder.is_dir():
        raise ConfigError(f'template pack folder "{folder}" has no {MANIFEST}; see templates/README.md.')
    raise ConfigError(
        f'template pack "{text}" is neither a shipped pack nor a folder. '
        f"Shipped packs: {choices(shipped_packs())}; or pass the path of a folder with a {MANIFEST}."
    )


def pack_chain(pack: str | Path) -> tuple[Pack, ...]:
    """``pack`` followed by its fallbacks, each once: where templates and phrases are looked up, in order."""
    chain: list[Pack] = []
    current: str | Path | None = pack
    while current is not None:
        loaded = load_pack(current)
        if any(p.root == loaded.root for p in chain):
            break
        chain.append(loaded)
        current = loaded.manifest.fallback
    return tuple(chain)


def choose_pack(predicates: Iterable[str]) -> str:
    """The shipped domain pack that knows most of these relations (at least half), else ``generic``."""
    present = set(predicates)
    best, best_share = "generic", 0.0
    for name in shipped_packs():
        known = set(load_pack(name).manifest.domain_relations)
        if not known or not present:
            continue
        share = len(present & known) / len(present)
        if share >= AUTO_MIN_SHARE and share > best_share:
            best, best_share = name, share
    logger.debug("pack auto: %s (%.0f%% of %d relations known)", best, 100 * best_share, len(present))
    return best


__all__ = [
    "AUTO_MIN_SHARE",
    "MANIFEST",
    "Pack",
    "choose_pack",
    "load_pack",
    "pack_chain",
    "shipped_packs",
    "templates_root",
]
