"""Render pack templates with Jinja2: sandboxed, ``StrictUndefined``, errors with file and line.

A template file is a set of blocks. ``question`` (and any ``question_<x>`` variants: the
factory picks one with the sample's seed, skipping variants that render empty) gives the
question; ``answer`` (optional) overrides the default answer; a ``statement`` template's
``statement`` block states one fact as one reasoning step. Everything a block prints goes
through ``grammar.tidy``.

Templates run in Jinja's sandbox and see only the variables the factory passes
(views of the path, counts, choices) plus the grammar filters ``a``, ``the``, ``plural``,
``cap``, ``fill`` and ``join``. Any failure inside a template (a syntax error, an undefined
variable, a sandbox violation) becomes one ``TemplateError`` naming the template file, the
line and the problem; this is the only module that renders with jinja2 (``stencil`` only reads
a template's syntax tree). Statements are rendered through stencils where a block allows it
(``render_fixed``): the same text, without running Jinja for every fact.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from types import TracebackType

import jinja2
from jinja2.runtime import Context, Macro, new_context
from jinja2.sandbox import SandboxedEnvironment

from kgsynth.errors import KgsynthError, TemplateError
from kgsynth.generate.grammar import (
    LINE_BREAK,
    bare,
    capitalise,
    plural,
    plural_predicate,
    tidy,
    with_article,
    with_the,
)
from kgsynth.generate.manifest import TemplateEntry
from kgsynth.generate.pack import Pack
from kgsynth.generate.phrases import Phrase, fill
from kgsynth.generate.stencil import prints_only
from kgsynth.generate.views import EntityView, HopView, OptionView

logger = logging.getLogger(__name__)

QUESTION_BLOCK = "question"


def _join(items: Sequence[object], language: str = "en") -> str:
    """ "a, b and c" / "a、b和c": a list as a phrase."""
    names = [str(item) for item in items]
    if language.startswith("zh"):
        return "、".join(names[:-1]) + ("和" if len(names) > 1 else "") + (names[-1] if names else "")
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _fill(pattern: str, **slots: object) -> str:
    return fill(pattern, **slots)


#: Stencils (raw block text with markers for the names) kept before the cache is emptied.
_STENCIL_CACHE = 10_000
#: A character no entity name holds: it delimits the markers a stencil is rendered with.
_MARK = "\x00"


def _marker(i: int) -> EntityView:
    mark = f"{_MARK}{i}{_MARK}"
    return EntityView(id=mark, name=mark, type="", type_label="", ref=mark)


#: Our own view types: frozen, holding only strings, numbers and other views, so the sandbox can
#: skip its slower generic checks for them (attributes starting with "_" stay forbidden).
_VIEW_TYPES = (EntityView, HopView, OptionView, Phrase)


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with a fast path for the read-only views the factory passes.

    Attribute reads on our own view types skip the generic checks (a quarter of all rendering
    time otherwise); private and pydantic ``model_*`` attributes stay out of reach.
    """

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        if type(obj) in _VIEW_TYPES:
            return not attr.startswith(("_", "model_"))
        return super().is_safe_attribute(obj, attr, value)

    def call(__self, __context: Context, __obj: object, *args: object, **kwargs: object) -> object:
        # A template's own macros are safe to call and take no context: skip the generic checks.
        if type(__obj) is Macro:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) in _VIEW_TYPES and not attribute.startswith(("_", "model_")):
            try:
                return object.__getattribute__(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


#: Compiled environments, shared by every factory of the process: compiling is the slow part.
_ENVIRONMENTS: dict[tuple[tuple[str, ...], str], SandboxedEnvironment] = {}


def _environment(packs: tuple[Pack, ...], language: str) -> SandboxedEnvironment:
    key = (tuple(str(pack.root) for pack in packs), language)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = _new_environment(packs, language)
    return _ENVIRONMENTS[key]


def _new_environment(packs: tuple[Pack, ...], language: str) -> SandboxedEnvironment:
    loader = jinja2.PrefixLoader(
        {pack.name: jinja2.FileSystemLoader(str(pack.root / language)) for pack in packs}
    )
    env = _Sandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        a=lambda x: with_article(str(x)),
        the=lambda x: with_the(str(x)),
        plural=lambda x, n=2: plural(str(x), int(n)),
        cap=lambda x: capitalise(str(x)),
        fill=_fill,
        bare=lambda x: bare(str(x)),
        be_plural=lambda x: plural_predicate(str(x)),
        join=lambda items: _join(list(items), language),
    )
    env.globals["nl"] = LINE_BREAK
    return env


class Renderer:
    """Templates of one pack chain in one language, loaded once and rendered block by block."""

    def __init__(self, packs: tuple[Pack, ...], language: str) -> None:
        self.packs = packs
        self.language = language
        self.env = _environment(packs, language)
        self._templates: dict[tuple[str, str], jinja2.Template] = {}
        self._blocks: dict[tuple[str, str, str], list[str]] = {}
        self._stencil_ok: dict[tuple[object, ...], bool] = {}
        self._stencils: dict[tuple[object, ...], str] = {}
        self._flat_globals: dict[int, dict[str, object]] = {}

    def template(self, pack: Pack, entry: TemplateEntry) -> jinja2.Template:
        """The compiled template of ``entry``; a syntax error raises ``TemplateError`` with file and line."""
        key = (pack.name, entry.id)
        if key not in self._templates:
            path = pack.template_path(entry, self.language)
            try:
                self._templates[key] = self.env.get_template(f"{pack.name}/{entry.id}.j2")
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(
                    f"{exc.filename or path}, line {exc.lineno}: template syntax error: {exc.message}."
                ) from exc
            except jinja2.TemplateNotFound as exc:
                raise TemplateError(
                    f"{path}: template {entry.id} of pack {pack.name} is listed in its manifest but "
                    f"the file (or a file it includes, {exc.name}) is missing."
                ) from exc
        return self._templates[key]

    def has_block(self, pack: Pack, entry: TemplateEntry, name: str) -> bool:
        """Whether the template defines block ``name``."""
        return name in self.template(pack, entry).blocks

    def _variant_names(
        self, pack: Pack, template: jinja2.Template, entry: TemplateEntry, prefix: str
    ) -> list[str]:
        """The blocks ``prefix`` and ``prefix_*`` of ``template``, in name order.

        Raises:
            TemplateError: if there is none.
        """
        key = (pack.name, entry.id, prefix)
        names = self._blocks.get(key)
        if names is None:
            names = self._blocks[key] = sorted(
                n for n in template.blocks if n == prefix or n.startswith(prefix + "_")
            )
        if not names:
            raise TemplateError(
                f"{template.filename}: template {entry.id} has no {{% block {prefix} %}}; "
                f"blocks present: {', '.join(sorted(template.blocks)) or '(none)'}."
            )
        return names

    def render_variant(
        self,
        pack: Pack,
        entry: TemplateEntry,
        prefix: str,
        context: Mapping[str, object],
        rng: random.Random | None,
        *,
        sentence: bool = True,
    ) -> str:
        """Render one of the blocks ``prefix`` / ``prefix_*``, chosen with ``rng``; empty ones are skipped.

        Raises:
            TemplateError: if the template has no such block, or every variant rendered empty.
        """
        template = self.template(pack, entry)
        names = list(self._variant_names(pack, template, entry, prefix))
        if rng is not None:  # None: the variants in name order (deterministic wording)
            rng.shuffle(names)
        scope = self._scope(template, context)  # blocks only read their context: one for all variants
        for name in names:
            text = self._render(template, name, scope, context, sentence)
            if text:
                return text
        raise TemplateError(
            f"{template.filename}: every {prefix} block of template {entry.id} rendered empty for "
            f"this path ({', '.join(names)})."
        )

    def render_fixed(
        self,
        pack: Pack,
        entry: TemplateEntry,
        prefix: str,
        context: Mapping[str, object],
        *,
        opaque: tuple[str, ...],
        restricted: Mapping[str, frozenset[str]],
    ) -> str:
        """``render_variant(..., rng=None)``, through a stencil when the block allows it (see ``stencil``).

        ``opaque`` names variables the caller expects to be printed as they are (entity views),
        ``restricted`` the variables read only through the given attributes; every other
        variable is part of the stencil's key. A block that does anything else with them is
        rendered as usual, so the text is always what ``render_variant`` gives.
        """
        template = self.template(pack, entry)
        names = self._variant_names(pack, template, entry, prefix)
        shape = tuple((n, tuple(sorted(attrs))) for n, attrs in restricted.items())
        eligible_key = (pack.name, entry.id, prefix, opaque, shape)
        eligible = self._stencil_ok.get(eligible_key)
        if eligible is None:
            source = pack.template_path(entry, self.language).read_text(encoding="utf-8")
            eligible = self._stencil_ok[eligible_key] = len(names) == 1 and prints_only(
                self.env, source, names[0], opaque, restricted
            )
        printed = {name: str(context[name]) for name in opaque} if eligible else {}
        if not eligible or any(_MARK in text for text in printed.values()):
            return self.render_variant(pack, entry, prefix, context, None)
        key = (
            eligible_key,
            tuple(tuple(getattr(context[n], a) for a in attrs) for n, attrs in shape),
            tuple((k, v) for k, v in context.items() if k not in printed and k not in restricted),
        )
        try:
            raw = self._stencils.get(key)
        except TypeError:  # a value that cannot be a key (a list): no stencil for it
            return self.render_variant(pack, entry, prefix, context, None)
        if raw is None:
            marked = {**context, **{name: _marker(i) for i, name in enumerate(opaque)}}
            raw = self._raw(template, names[0], marked)
            if raw is None:  # the markers upset the block: render this fact as usual
                return self.render_variant(pack, entry, prefix, context, None)
            if len(self._stencils) >= _STENCIL_CACHE:
                self._stencils.clear()
            self._stencils[key] = raw
        for i, name in enumerate(opaque):
            raw = raw.replace(_marker(i).ref, printed[name])
        text = tidy(raw, self.language)
        return text or self.render_variant(pack, entry, prefix, context, None)

    def _raw(self, template: jinja2.Template, name: str, context: Mapping[str, object]) -> str | None:
        try:
            return "".join(template.blocks[name](self._scope(template, context)))
        except Exception:
            return None

    def _scope(self, template: jinja2.Template, context: Mapping[str, object]) -> Context:
        """A Jinja context of our variables over a flat copy of the template's globals.

        ``Template.new_context`` would rebuild the globals from a ChainMap for every block (a hot
        spot); the flat copy is made once per template.
        """
        key = id(template)
        flat = self._flat_globals.get(key)
        if flat is None:
            flat = self._flat_globals[key] = dict(template.globals)
        return new_context(self.env, template.name, template.blocks, {**flat, **context}, True, flat)

    def render_block(
        self, template: jinja2.Template, name: str, context: Mapping[str, object], *, sentence: bool = True
    ) -> str:
        """Render block ``name`` of ``template`` with ``context`` and tidy the text (see ``grammar.tidy``)."""
        return self._render(template, name, self._scope(template, context), context, sentence)

    def _render(
        self,
        template: jinja2.Template,
        name: str,
        scope: Context,
        context: Mapping[str, object],
        sentence: bool,
    ) -> str:
        try:
            text = "".join(template.blocks[name](scope))
        except KgsynthError:
            raise
        except Exception as exc:  # anything a template does wrong is the template's error
            raise _template_error(self.env, template, name, exc, context) from exc
        return tidy(text, self.language, sentence=sentence)


def _template_error(
    env: jinja2.Environment,
    template: jinja2.Template,
    block: str,
    exc: Exception,
    context: Mapping[str, object],
) -> TemplateError:
    """A ``TemplateError`` naming the template file, the line inside it and the problem."""
    filename, line = _template_line(env, exc)
    where = f"{filename or template.filename}, line {line}" if line else f"{template.filename}"
    problem = str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    hint = ""
    if isinstance(exc, jinja2.UndefinedError):
        hint = f" Variables available here: {', '.join(sorted(context))}."
    return TemplateError(f"{where} (block {block}): {problem}.{hint}")


def _template_line(env: jinja2.Environment, exc: Exception) -> tuple[str | None, int | None]:
    """The template file and line being rendered when ``exc`` was raised (innermost template frame).

    Jinja maps compiled-code frames back to template files and lines when it rewrites a
    traceback; we ask it to, then take the deepest frame that belongs to a ``.j2`` file.
    """
    traceback: TracebackType | None = exc.__traceback__
    try:
        env.handle_exception()
    except Exception as rewritten:
        traceback = rewritten.__traceback__
    found: tuple[str | None, int | None] = (None, None)
    while traceback is not None:
        frame_file = traceback.tb_frame.f_code.co_filename
        if frame_file.endswith(".j2"):
            found = (frame_file, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


__all__ = ["QUESTION_BLOCK", "Renderer"]
