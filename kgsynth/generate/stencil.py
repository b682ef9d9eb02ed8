"""Stencils: prove from a template's syntax that a block only prints some variables, then reuse it.

A reasoning step states one fact, and a run of a big graph states hundreds of thousands of
different facts, so rendering the ``statement`` block is a hot spot, although its wording
depends only on the relation's phrase and polarity: the two entities are just printed. When a
block's syntax tree shows that ``s`` and ``o`` are only ever printed as they are (``{{ s }}``,
or as a slot of the ``fill`` filter whose result is printed) and ``hop`` is only read through
attributes that do not reach an entity (``hop.phrase``, ``hop.negated``...), the block's raw
output is the same text for every fact of that shape with the names put in. The renderer then
renders the block once per shape with markers in place of the names, and fills the markers in
afterwards: the same text as rendering every fact, at a fraction of the cost. Any block that
does more with them (``{{ o | a }}``, ``o.name.endswith("s")``, an import, ``self``) is simply
rendered every time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jinja2 import Environment, nodes

#: Nodes after which a block can reach variables in ways the checks below do not follow.
_OPAQUE_REACH = (
    nodes.Extends,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Macro,
    nodes.CallBlock,
    nodes.ContextReference,
    nodes.DerivedContextReference,
)
#: Names that give a template access to other blocks or its context.
_REACHING_NAMES = frozenset({"self", "super", "context", "caller", "varargs", "kwargs"})
#: Filters that put their keyword arguments into their output as plain text (``phrases.fill``).
_SLOT_FILTERS = frozenset({"fill"})


def prints_only(
    env: Environment,
    source: str,
    block: str,
    opaque: Sequence[str],
    restricted: Mapping[str, frozenset[str]],
) -> bool:
    """Whether block ``block`` of ``source`` only prints ``opaque`` and reads ``restricted`` safely.

    ``opaque`` variables may appear only as a whole printed value, or as a keyword argument of
    ``fill`` whose result is printed; each ``restricted`` variable only as ``var.attr`` with
    ``attr`` in its allowed set. Nothing may assign to any of them. False when unsure.
    """
    try:
        tree = env.parse(source)
    except Exception:  # a syntax error is reported when the template is loaded, not here
        return False
    if any(True for _ in tree.find_all(nodes.Extends)):
        return False
    found = [b for b in tree.find_all(nodes.Block) if b.name == block]
    if len(found) != 1:
        return False
    return _clean(found[0], [], set(opaque), restricted)


def _clean(
    node: nodes.Node, ancestors: list[nodes.Node], opaque: set[str], restricted: Mapping[str, frozenset[str]]
) -> bool:
    if isinstance(node, _OPAQUE_REACH):
        return False
    if isinstance(node, nodes.Name):
        if node.name in _REACHING_NAMES:
            return False
        if node.name in opaque:
            return node.ctx == "load" and _printed(ancestors)
        if node.name in restricted:
            parent = ancestors[-1] if ancestors else None
            return (
                node.ctx == "load"
                and isinstance(parent, nodes.Getattr)
                and parent.attr in restricted[node.name]
            )
        return True
    ancestors.append(node)
    try:
        return all(_clean(child, ancestors, opaque, restricted) for child in node.iter_child_nodes())
    finally:
        ancestors.pop()


def _printed(ancestors: list[nodes.Node]) -> bool:
    """Whether the variable under ``ancestors`` is printed as it is (directly or as a fill slot)."""
    if ancestors and isinstance(ancestors[-1], nodes.Output):
        return True
    if len(ancestors) < 3:
        return False
    keyword, slot_filter, output = ancestors[-1], ancestors[-2], ancestors[-3]
    return (
        isinstance(keyword, nodes.Keyword)
        and isinstance(slot_filter, nodes.Filter)
        and slot_filter.name in _SLOT_FILTERS
        and keyword in slot_filter.kwargs
        and isinstance(output, nodes.Output)
    )


__all__ = ["prints_only"]
