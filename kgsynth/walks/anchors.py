"""Resolve the entity a walk is anchored on (``start`` / ``end``) from an id or a unique name."""

from __future__ import annotations

from kgsynth.errors import WalkError, choices
from kgsynth.model import normalise_name
from kgsynth.store.snapshot import GraphSnapshot


def resolve_entity(graph: GraphSnapshot, reference: str, setting: str) -> int:
    """The node index of ``reference``: an entity id, else the one entity with that name.

    Raises:
        WalkError: if no entity has that id or name, or several share the name (listing their ids).
    """
    if graph.has_entity(reference):
        return graph.index(reference)
    wanted = normalise_name(reference)
    found = [i for i in range(graph.n_entities) if normalise_name(graph.entity_name(i)) == wanted]
    if len(found) == 1:
        return found[0]
    if not found:
        raise WalkError(
            f'{setting} "{reference}" is neither an entity id nor the name of an entity in this graph.'
        )
    raise WalkError(
        f'{setting} "{reference}" names {len(found)} entities; give one of their ids: '
        f"{choices(graph.entity_id(i) for i in found)}."
    )


__all__ = ["resolve_entity"]
