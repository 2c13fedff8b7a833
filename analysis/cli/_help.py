"""Help that reads like a Unix tool's.

Typer shows every parameter's Python type (``--quiet <bool>``, ``--db <path>``)
and writes a required argument as ``{paths}...`` in the usage line. The group
class here rewrites the parameters of every command below it once, when the
command line is built: ``defcode ingest [OPTIONS] PATHS...``, ``--db PATH``,
``--min-score FLOAT``, ``--format [csv|md|latex|all]``, and nothing after a
flag such as ``--quiet`` or ``--help``.
"""

from __future__ import annotations

from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

_METAVARS = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "Path": "PATH"}


def unix_metavar(typer_label: str) -> str:
    """Turn Typer's type label into a Unix-style metavar.

    Parameters
    ----------
    typer_label : str
        What Typer shows, e.g. ``"<path>"``, ``"<float range>"`` or
        ``"<csv|md|latex|all>"``.

    Returns
    -------
    str
        ``PATH``, ``FLOAT`` or ``[csv|md|latex|all]``: a range is shown apart,
        as ``[0.0<=x<=1.0]``, so only its number type is kept.

    Examples
    --------
    >>> unix_metavar("<path>"), unix_metavar("<int range>"), unix_metavar("<md|latex>")
    ('PATH', 'INTEGER', '[md|latex]')
    """
    label = typer_label.strip("<>").removesuffix(" range")
    if label.startswith("list[") and label.endswith("]"):
        label = label[len("list[") : -1]
    if "|" in label:
        return f"[{label}]"
    return _METAVARS.get(label, label.upper())


class _UnixOption(TyperOption):
    def display_type_rich(self, ctx: _click.Context) -> str | None:
        if self.is_flag or self.count:
            return None
        if self.metavar is not None:
            return self.metavar
        metavar = unix_metavar(self.display_type(ctx))
        return metavar if self.nargs == 1 else f"{metavar}..."


class _UnixArgument(TyperArgument):
    @property
    def display_name_raw(self) -> str:
        return (self.metavar or self.name or "").upper()

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name if self.nargs == 1 else f"{name}..."


def _rewrite(command: _click.Command) -> None:
    """Give every parameter of ``command`` and of the commands below it Unix-style help."""
    context = _click.Context(command, **command.context_settings)
    for param in [*command.params, command.get_help_option(context)]:
        if type(param) is TyperOption:
            param.__class__ = _UnixOption
        elif type(param) is TyperArgument:
            param.__class__ = _UnixArgument
    for sub in getattr(command, "commands", {}).values():
        _rewrite(sub)


class UnixHelpGroup(TyperGroup):
    """A Typer group whose commands' help reads like a Unix tool's.

    Pass it as ``typer.Typer(cls=UnixHelpGroup)`` to the top-level app: its
    sub-groups and their commands are rewritten too.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _rewrite(self)
