"""Options whose value may be left out: ``kgsynth generate --llm`` means ``--llm default``.

Click (under Typer) has no option with an optional value: a bare ``--llm`` would swallow the
next option (``--llm -o out.jsonl`` read ``-o`` as the endpoint). So ``main`` rewrites the
arguments first: in a command listed here, such an option followed by nothing or by another
option gets its implied value.
"""

from __future__ import annotations

from collections.abc import Sequence

#: command -> option -> the value a bare option stands for.
IMPLIED_VALUES = {"generate": {"--llm": "default"}}
#: Options before the command that take a value (``app.py``'s callback).
GLOBAL_OPTIONS_WITH_VALUES = frozenset({"--config", "-c"})


def with_implied_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with the implied value after each bare option of ``IMPLIED_VALUES`` (nothing after ``--``)."""
    command = _command(argv)
    implied = IMPLIED_VALUES.get(command or "", {})
    out: list[str] = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg == "--":
            return out + list(argv[i + 1 :])
        if arg in implied and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append(implied[arg])
    return out


def _command(argv: Sequence[str]) -> str | None:
    """The command name: the first argument that is neither a global option nor its value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_OPTIONS_WITH_VALUES:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


__all__ = ["IMPLIED_VALUES", "with_implied_values"]
