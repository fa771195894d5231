"""Run the real `tradescreen` command in-process (Typer's runner), as a user would type it."""

from __future__ import annotations

from typer.testing import CliRunner

from tradescreen.cli import app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
