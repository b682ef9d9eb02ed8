"""Plain ``--help`` and one-line usage errors: what typer shows by default, in the words of a CLI.

Typer labels every value with its Python type (``<str>``, ``<int range>``, ``<list[Path]>``, and
``<bool>`` on flags in rich mode) and prints a usage error as the usage line, a hint and a boxed
panel. Here each option gets a click-style metavar (``TEXT``, ``INTEGER``, ``PATH``,
``[a|b]``), each argument its name or ``PATH`` (``PATH...`` when it takes several), and a usage
error becomes the single ``Error: ...`` line that every other failure prints (issue 11).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

_TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "Path": "PATH"}


@contextmanager
def one_line_usage_errors() -> Iterator[None]:
    """Print a usage error (bad option, missing value, unknown command) as one line; exit code 2."""
    try:
        yield
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `kgsynth` alone: its message is the help text
            raise
        typer.echo(f"Error: {exc.format_message()}", err=True)
        raise typer.Exit(getattr(exc, "exit_code", 2)) from exc


def plain_metavars(command: Any) -> None:
    """Give every parameter of ``command`` (and of its subcommands) a plain metavar, once."""
    for param in command.params:
        if isinstance(param, TyperArgument) and not isinstance(param, _PlainArgument):
            param.__class__ = _PlainArgument  # typer has no hook for an argument's class
            param.metavar = _argument_metavar(param)
        elif isinstance(param, TyperOption) and param.metavar is None and not param.is_flag:
            param.metavar = _option_metavar(param)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain_metavars(sub)


class _PlainArgument(TyperArgument):
    """An argument shown as click shows one: ``PATH...`` in usage and help, no Python type."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        return name if self.required else f"[{name}]"


def _argument_metavar(param: TyperArgument) -> str:
    name = "PATH" if _type_name(param) == "PATH" else (param.name or "value").upper()
    return f"{name}..." if param.nargs != 1 else name


def _option_metavar(param: TyperOption) -> str:
    descriptor = param.type_descriptor
    if descriptor.is_choice and descriptor.choices:
        return "[" + "|".join(str(choice) for choice in descriptor.choices) + "]"
    return _type_name(param)


def _type_name(param: TyperArgument | TyperOption) -> str:
    """``TEXT``, ``INTEGER``, ``FLOAT`` or ``PATH`` for the parameter's type (of its items, for a list)."""
    descriptor = param.type_descriptor
    if descriptor.is_path:
        return "PATH"
    label = descriptor.ranged_type_name if descriptor.is_ranged else param.bare_type()
    if label.startswith("list[") and label.endswith("]"):
        label = label[len("list[") : -1]
    return _TYPE_NAMES.get(label, label.upper())
