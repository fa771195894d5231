"""Terminal output: rich tables for a person at a terminal, plain tab-separated lines for pipes."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=not is_terminal())


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if is_terminal():
        table = Table(title=title)
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(*["" if v is None else str(v) for v in row])
        console().print(table)
    else:
        print("\t".join(headers))
        for row in rows:
            print("\t".join("" if v is None else str(v) for v in row))


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def warn(message: str) -> None:
    """Loud, on stderr, in red at a terminal: for failed and refused list updates."""
    err = console(stderr=True)
    err.print(f"[bold red]{message}[/]" if sys.stderr.isatty() else message, markup=sys.stderr.isatty())


def info(message: str) -> None:
    console(stderr=True).print(message, markup=False)


class Steps:
    """Progress over named steps: a rich spinner at a terminal, plain lines on stderr otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Steps:
        if sys.stderr.isatty():
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=console(stderr=True), transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task(self.label)
        return self

    def step(self, what: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=f"{self.label} {what}")
        else:
            info(f"{self.label} {what} ...")

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
