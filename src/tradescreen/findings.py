"""A finding: one reason a shipment needs a person's attention, with the evidence for it.

Every check (party, goods, destination, route, red flag, document) returns findings of this
one shape, so verdicts, reports, the API and the audit trail never need to know which check
produced them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["party", "goods", "destination", "route", "red_flag", "document"]
Severity = Literal["block", "review", "info"]

SEVERITY_ORDER: dict[str, int] = {"info": 0, "review": 1, "block": 2}


@dataclass(slots=True)
class Finding:
    kind: Kind
    severity: Severity
    #: Stable rule id, e.g. "goods.chpl.tier1", "destination.comprehensive", "party.listed".
    rule: str
    #: One sentence for a person: lists, places and goods named in words.
    message: str
    #: What the finding rests on: list and entry, code and annex, where in the document, ...
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict(findings: list[Finding]) -> Literal["block", "review", "clear"]:
    """The shipment's verdict is its most severe finding; info-only findings leave it clear."""
    worst = max((SEVERITY_ORDER[f.severity] for f in findings), default=0)
    return "block" if worst == 2 else "review" if worst == 1 else "clear"
