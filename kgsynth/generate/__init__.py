"""Generate stage: ``FactPath`` -> grounded ``Sample`` by Jinja2 template, no LLM needed.

``SampleFactory(graph, pack=..., language=..., seed=...).make(path, type)`` makes one sample
of a question type (``QUESTION_TYPES``) from one fact path, or returns None and counts why in
``factory.skipped``. ``hops_for(type)`` says which path lengths a type is made from.

Star paths (counting, comparison) are built here, not by the walkers: ``make(path, "count")``
and ``make(path, "comparison")`` accept any path of one or more hops and use its first
relation to fix the centre entity (``path.entities[0]``), the relation and its direction, then
gather every fact of that relation around the centre from the snapshot, so the count is the
true count over the graph. A walker's ``shape="star"`` path is accepted the same way. The
sample carries the star: ``shape="star"`` with the centre first; a comparison's star has two
centres, ``entities[0]`` and ``entities[1]``, followed by their neighbours.

Template packs live in ``templates/`` (see templates/README.md); ``pack.py`` finds them,
``manifest.py`` reads their manifests, ``render.py`` renders them sandboxed, and the modules
``chain``, ``negatives``, ``distractors`` and ``aggregate`` decide the facts of each question
type before any wording.
"""

from kgsynth.generate.factory import YES_NO, SampleFactory, hops_for
from kgsynth.generate.manifest import QUESTION_TYPES, Manifest, TemplateEntry, load_manifest
from kgsynth.generate.pack import Pack, choose_pack, load_pack, shipped_packs, templates_root

__all__ = [
    "QUESTION_TYPES",
    "YES_NO",
    "Manifest",
    "Pack",
    "SampleFactory",
    "TemplateEntry",
    "choose_pack",
    "hops_for",
    "load_manifest",
    "load_pack",
    "shipped_packs",
    "templates_root",
]
