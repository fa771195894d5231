"""What every shipment importer returns, and how it reports bad input.

Importers follow the list parsers' contract (`tradescreen.sources.base`): a malformed record
becomes a `ParseIssue` naming the file, the record and the field, and the rest of the file
still loads; a file that is not the expected format raises `NotAShipmentDocument` (a
`NotAList`, so callers that already catch that keep working) saying what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tradescreen.shipments.model import Shipment
from tradescreen.sources.base import NotAList, ParseIssue


class NotAShipmentDocument(NotAList):
    """The file is not a shipment document in the format asked for; the message says which was expected."""


@dataclass(slots=True)
class ImportResult:
    shipments: list[Shipment] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)

    def warn(self, file: str | Path, location: str, fld: str | None, message: str) -> None:
        self.issues.append(ParseIssue(Path(file).name, location, fld, message, "warning"))

    def error(self, file: str | Path, location: str, fld: str | None, message: str) -> None:
        self.issues.append(ParseIssue(Path(file).name, location, fld, message, "error"))

    def extend(self, other: ImportResult) -> None:
        self.shipments.extend(other.shipments)
        self.issues.extend(other.issues)

    @property
    def errors(self) -> list[ParseIssue]:
        return [i for i in self.issues if i.severity == "error"]


class DocumentReader:
    """What every importer's reader starts from: the file being read and the result its issues go to.

    Held once on the reader so that its many small helpers report issues without passing the
    path and the result around; readers with more state (an airport resolver, PDF pages) add it.
    """

    def __init__(self, path: Path, result: ImportResult) -> None:
        self.path = path
        self.file = path.name
        self.result = result
