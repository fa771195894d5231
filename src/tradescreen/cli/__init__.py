"""The `tradescreen` command: one module per area (lists, match, screen), each adding its commands."""

from __future__ import annotations

import typer

from tradescreen.cli import lists as _lists
from tradescreen.cli import match as _match
from tradescreen.cli import screen as _screen

app = typer.Typer(
    name="tradescreen",
    help="Export-control and sanctions screening for shipments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_lists.register(app)
_match.register(app)
_screen.register(app)


def main() -> None:
    app()
