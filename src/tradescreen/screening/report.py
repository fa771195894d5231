"""Screening results for people (text, HTML) and machines (JSON lines)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape

from tradescreen.screening.shipment import ScreeningResult

VERDICT_STYLE = {"block": "bold white on red", "review": "bold black on yellow", "clear": "bold white on green"}
SEVERITY_STYLE = {"block": "red", "review": "yellow", "info": "cyan"}


def to_json_line(result: ScreeningResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, default=str)


def render_text(results: Iterable[ScreeningResult], console: Console, show_info: bool = True) -> None:
    """Grouped by shipment, most severe finding first; colours only where the console is a terminal."""
    for result in results:
        source = f"  ({result.shipment.source.file})" if result.shipment and result.shipment.source else ""
        console.print(f"[{VERDICT_STYLE[result.verdict]}] {result.verdict.upper()} [/] "
                      f"[bold]{escape(result.id)}[/]{escape(source)}")
        shown = [f for f in result.findings if show_info or f.severity != "info"]
        if not shown:
            console.print("    no findings")
        for finding in shown:
            style = SEVERITY_STYLE[finding.severity]
            console.print(f"  [{style}]{finding.severity:6s}[/] {finding.kind:11s} {escape(finding.message)}")
            console.print(f"         [dim]{escape(finding.rule)}{_evidence_tail(finding.evidence)}[/]")
            if finding.kind == "party":
                for line in finding.evidence.get("explanation", [])[:4]:
                    console.print(f"         [dim]- {escape(str(line))}[/]")
        console.print()


def _evidence_tail(evidence: dict[str, Any]) -> str:
    bits = []
    for key in ("ref", "list", "entity_id", "release"):
        if evidence.get(key) not in (None, ""):
            bits.append(f"{key}: {evidence[key]}")
    return ("  " + "; ".join(bits)) if bits else ""


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2330;max-width:70rem}
h1{font-size:1.4rem;margin-bottom:.2rem} .meta{color:#5b6475;margin-bottom:1.2rem}
.verdict{display:inline-block;padding:.25rem .8rem;border-radius:.3rem;font-weight:700;color:#fff;letter-spacing:.05em}
.verdict.block{background:#b3261e}.verdict.review{background:#c98a00}.verdict.clear{background:#2e7d32}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1.4rem} th,td{text-align:left;padding:.35rem .5rem;
border-bottom:1px solid #e3e6ec;vertical-align:top;font-size:.92rem} th{background:#f4f6f9}
.sev{font-weight:700;text-transform:uppercase;font-size:.8rem}.sev.block{color:#b3261e}.sev.review{color:#9a6a00}
.sev.info{color:#2d6a9f} .rule{font-family:ui-monospace,monospace;font-size:.8rem;color:#5b6475}
ul.expl{margin:.3rem 0 0 1rem;padding:0;font-size:.85rem;color:#3d4556}
td.ev{font-size:.8rem;color:#3d4556;word-break:break-word} details{font-size:.8rem;color:#5b6475}
"""


def _value(value: Any) -> str:
    """Evidence values for a person: lists of records as short lines, not Python reprs."""
    e = html.escape
    if isinstance(value, dict):
        return "; ".join(f"{e(str(k))} {_value(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, dict) for v in value):
            return "<ul class='expl'>" + "".join(f"<li>{_value(v)}</li>" for v in value) + "</ul>"
        return e(", ".join(str(v) for v in value))
    return e(str(value))


def _money(value: float | None, currency: str | None) -> str:
    if value is None:
        return ""
    return html.escape(f"{value:,.2f} {currency or ''}".strip())


def render_html(result: ScreeningResult) -> str:
    """One self-contained page per shipment, for the file a reviewer opens or attaches to a case."""
    e = html.escape
    shipment = result.shipment
    rows = []
    for f in result.findings:
        expl = ""
        lines = [str(x) for x in f.evidence.get("explanation", [])] if f.kind == "party" else []
        if lines:
            head = "".join(f"<li>{e(x)}</li>" for x in lines[:4])
            rest = "".join(f"<li>{e(x)}</li>" for x in lines[4:])
            expl = f"<ul class='expl'>{head}</ul>"
            if rest:
                expl += f"<details><summary>all {len(lines)} features</summary><ul class='expl'>{rest}</ul></details>"
        evidence = "<br>".join(f"<b>{e(k)}</b>: {_value(v)}" for k, v in f.evidence.items()
                               if k != "explanation" and v not in (None, "", [], {}))
        rows.append(
            f"<tr><td class='sev {f.severity}'>{e(f.severity)}</td><td>{e(f.kind)}</td>"
            f"<td>{e(f.message)}{expl}<div class='rule'>{e(f.rule)}</div></td><td class='ev'>{evidence}</td></tr>"
        )
    parties = goods = route = ""
    if shipment is not None:
        parties = "".join(
            f"<tr><td>{e(p.role.replace('_', ' '))}</td><td>{e(p.name or '')}</td><td>{e((p.country or '').upper())}"
            f"</td><td>{e(p.address or '')}</td></tr>" for p in shipment.parties)
        goods = "".join(
            f"<tr><td>{e(g.hs_code or '')}</td><td>{e(g.description or '')}</td><td>{e((g.origin_country or '').upper())}"
            f"</td><td>{_money(g.value, g.currency)}</td></tr>"
            for g in shipment.goods)
        route = "".join(
            f"<tr><td>{e(r.role.replace('_', ' '))}</td><td>{e(r.unlocode or '')}</td><td>{e(r.name or '')}</td>"
            f"<td>{e((r.country or '').upper())}</td></tr>" for r in shipment.route)
    source = e(shipment.source.file) if shipment is not None and shipment.source is not None else ""
    findings_table = ("<table><tr><th>severity</th><th>kind</th><th>finding</th><th>evidence</th></tr>"
                      + "".join(rows) + "</table>") if rows else "<p>No findings.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tradescreen: {e(result.id)} — {e(result.verdict)}</title>
<style>{_CSS}</style></head><body>
<h1>Shipment {e(result.id)} <span class="verdict {e(result.verdict)}" id="verdict">{e(result.verdict.upper())}</span></h1>
<div class="meta">{source}</div>
<h2>Findings</h2>{findings_table}
<h2>Parties</h2><table><tr><th>role</th><th>name</th><th>country</th><th>address</th></tr>{parties}</table>
<h2>Goods</h2><table><tr><th>code</th><th>description</th><th>origin</th><th>value</th></tr>{goods}</table>
<h2>Route</h2><table><tr><th>role</th><th>UN/LOCODE</th><th>place</th><th>country</th></tr>{route}</table>
</body></html>
"""
