"""Commercial invoices and packing lists as text PDFs (pdfplumber), with per-value certainty.

Invoices have no standard layout, so extraction works in two tiers:

1. Ruled tables (what most generated invoices have): a cell whose first line is a role label
   ("Seller / Exporter", "Consignee (Ship to)", "End User") is a party block; two-column
   label/value rows give terms and route; a table whose header names a description or HS
   column gives the goods lines. Values read this way are `certain`.
2. Plain text, when tables are missing or incomplete: labels found in the text lines, party
   blocks split into columns by the labels' x positions, goods lines recognised by an HS-like
   code among them. Every value read this way is marked uncertain (`Provenance.certain` is
   False and `uncertain` names the fields), because a layout guess can join or split lines
   wrongly; findings built on them should say so.

Scanned PDFs (no text layer) give no text; they are reported, not guessed at (OCR is out of scope).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradescreen.shipments.base import DocumentReader, ImportResult, NotAShipmentDocument
from tradescreen.shipments.importers.tabular import _classify
from tradescreen.shipments.model import (
    GoodsLine,
    Identifier,
    Leg,
    Party,
    Provenance,
    Reference,
    RoutePoint,
    Shipment,
    Source,
    Vessel,
)
from tradescreen.shipments.normalise import (
    clean,
    country,
    locode_country,
    normalise_roles,
    normalise_route_role,
    number,
    unlocode,
)

FORMAT = "invoice_pdf"

_REF_LABELS: dict[str, str] = {
    "invoice no": "INVOICE", "invoice number": "INVOICE", "commercial invoice no": "INVOICE",
    "packing list no": "PACKING_LIST", "ref invoice": "INVOICE", "buyers order no": "PO", "order no": "PO",
    "po no": "PO", "purchase order": "PO", "bl no": "BL", "b l no": "BL", "bill of lading": "BL", "awb no": "AWB",
    "lc no": "LC", "l c no": "LC",
}
_DATE_LABELS = {"invoice date": "invoice", "date": "issue"}
_ID_SCHEMES = {"eori": "EORI", "vat": "VAT", "vat no": "VAT", "trn": "TRN", "ein": "EIN", "inn": "INN", "tax id": "TAX",
               "lei": "LEI", "duns": "DUNS", "tin": "TIN", "ogrn": "OGRN", "cr": "CR", "registration no": "REGISTRATION"}
_HS = re.compile(r"(?<![\d.,])(\d{4}(?:\.\d{2}){1,3}|\d{4}(?: \d{2}){1,3}|\d{6}(?:\d{2}){0,2})(?![\d,])")
_LABELLED = re.compile(r"((?:[A-Za-z][\w'./]*\s){0,3}[A-Za-z][\w'./]*):\s*(\S+)")
_AMOUNT = re.compile(r"\d{1,3}(?:[,.]\d{3})*[.,]\d{2}\b")
_LOCODE_IN = re.compile(r"\(([A-Z]{2}[A-Z2-9]{3})\)")
_ISO2_IN = re.compile(r"\(([A-Z]{2})\)")


def _key(label: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", label.lower().replace("'", "").replace("/", " ")).split())


@dataclass
class _Page:
    number: int
    lines: list[str]
    tables: list[list[list[str | None]]]
    words: list[dict[str, Any]]

    def line_of(self, value: str | None, start: int = 0) -> str:
        """'page P, line N' for the first text line (from `start`) containing `value`."""
        if value:
            for n, line in enumerate(self.lines[start:], start + 1):
                if value in line:
                    return f"page {self.number}, line {n}"
        return f"page {self.number}"


def load_shipments(path: str | Path, use_tables: bool = True) -> ImportResult:
    """Read one invoice or packing-list PDF; `use_tables=False` forces the plain-text tier."""
    path = Path(path)
    if not path.read_bytes()[:1024].lstrip().startswith(b"%PDF"):
        raise NotAShipmentDocument(f"{path.name}: expected a PDF commercial invoice or packing list (no %PDF header)")
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise NotAShipmentDocument(f"{path.name}: reading PDFs needs pdfplumber ({exc})") from None
    result = ImportResult()
    try:
        with pdfplumber.open(path) as pdf:
            pages = [_Page(i, (p.extract_text() or "").splitlines(), p.extract_tables() if use_tables else [],
                           p.extract_words(keep_blank_chars=False, use_text_flow=False))
                     for i, p in enumerate(pdf.pages, 1)]
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise NotAShipmentDocument(f"{path.name}: expected a readable PDF: {type(exc).__name__}: {exc}") from None
    if not any(page.lines for page in pages):
        result.error(path, "page 1", None, "no text layer (a scan?): nothing read; OCR is not supported")
        return result
    result.shipments.append(_Reader(path, result, pages).shipment())
    return result


class _Reader(DocumentReader):
    def __init__(self, path: Path, result: ImportResult, pages: list[_Page]) -> None:
        super().__init__(path, result)
        self.pages = pages

    def shipment(self) -> Shipment:
        title = next((line.strip() for line in self.pages[0].lines if line.strip()), "document")
        s = Shipment(id=self.path.stem, source=Source(self.file, FORMAT, title.title()))
        for page in self.pages:
            for table in page.tables:
                self._table(page, table, s)
        for page in self.pages:
            self._text_values(page, s)
            if not s.parties or not any(p.provenance and p.provenance.certain for p in s.parties):
                self._text_parties(page, s)
            if not s.goods:
                self._text_goods(page, s)
        own = next((r.value for r in s.references if r.type in ("INVOICE", "PACKING_LIST")), None)
        if "PACKING" in title.upper():
            own = next((r.value for r in s.references if r.type == "PACKING_LIST"), own)
        s.id = own or s.id
        for g in s.goods:
            g.currency = g.currency or s.currency
        if not s.parties:
            self.result.warn(self.path, "page 1", None, "no party blocks recognised")
        if not s.goods:
            self.result.warn(self.path, "page 1", None, "no goods lines recognised")
        return s

    # -- tables -----------------------------------------------------------------------------
    def _table(self, page: _Page, table: list[list[str | None]], s: Shipment) -> None:
        header = [c or "" for c in table[0]] if table else []
        columns = [c for c in (_classify(i, " ".join(h.split())) for i, h in enumerate(header) if h.strip()) if c]
        if any(c.kind == "goods" and c.field in ("description", "hs_code") for c in columns):
            self._goods_table(page, table, columns, s)
            return
        for row in table:
            cells = [c for c in row if c]
            if len(row) == 2 and row[0] and row[1] and "\n" not in row[0] and self._pair(page, row[0], row[1], s, True):
                continue
            for cell in cells:
                lines = [" ".join(x.split()) for x in cell.splitlines() if x.strip()]
                roles = normalise_roles(lines[0]) if lines else []
                if roles and len(lines) > 1:
                    self._party_block(page, roles, lines[0], lines[1:], s, certain=True)
                else:
                    for line in lines:
                        if ":" in line:
                            label, _, value = line.partition(":")
                            self._pair(page, label, value, s, True)

    def _goods_table(self, page: _Page, table: list[list[str | None]], columns: list[Any], s: Shipment) -> None:
        for row in table[1:]:
            cell = {c.field: " ".join((row[c.index] or "").split()) if c.index < len(row) else "" for c in columns
                    if c.kind == "goods"}
            if not cell.get("hs_code") and (not cell.get("description") or cell["description"].upper().startswith("TOTAL")):
                if cell.get("value"):
                    self._total(" ".join(x or "" for x in row), s)
                continue
            s.goods.append(self._goods_line(page, cell, certain=True))

    def _goods_line(self, page: _Page, cell: dict[str, str], certain: bool, start: int = 0) -> GoodsLine:
        qty_text = cell.get("quantity") or ""
        unit = cell.get("unit") or (qty_text.split()[1] if len(qty_text.split()) > 1 else None)
        where = page.line_of(cell.get("hs_code") or cell.get("description", "")[:20], start)
        fields = {k: where for k, v in cell.items() if v}
        return GoodsLine(
            description=clean(cell.get("description")),
            hs_code=clean(cell.get("hs_code")),
            origin_country=country(cell.get("origin_country")),
            quantity=number(qty_text.split()[0]) if qty_text else None,
            unit=clean(unit),
            value=number(cell.get("value")),
            unit_price=number(cell.get("unit_price")),
            eccn=clean(cell.get("eccn")),
            net_kg=number(cell.get("net_kg")),
            gross_kg=number(cell.get("gross_kg")),
            line_no=clean(cell.get("line_no")),
            provenance=Provenance(self.file, where, certain=certain, fields=fields,
                                  uncertain=frozenset() if certain else frozenset(k for k, v in cell.items() if v)),
        )

    def _total(self, text: str, s: Shipment) -> None:
        if s.declared_total is None and "TOTAL" in text.upper():
            amounts = _AMOUNT.findall(text)
            if amounts:
                s.declared_total = number(amounts[-1])
                cur = re.search(r"\b(EUR|USD|GBP|CHF|CNY|JPY|AED|RUB|TRY)\b", text)
                s.currency = s.currency or (cur.group(1) if cur else None)

    # -- labelled values --------------------------------------------------------------------
    def _pair(self, page: _Page, label: str, value: str, s: Shipment, certain: bool) -> bool:
        key, value = _key(label), " ".join(value.split())
        if not value:
            return False
        where = page.line_of(value)
        if key in _REF_LABELS:
            ref = Reference(_REF_LABELS[key], value)
            if ref not in s.references:
                s.references.append(ref)
        elif key in _DATE_LABELS:
            s.dates.setdefault(_DATE_LABELS[key], value)
        elif key == "currency":
            s.currency = s.currency or value[:3].upper()
        elif key in ("incoterms", "incoterm", "terms of delivery", "delivery terms"):
            code, _, rest = value.partition(" ")
            s.terms.incoterms = s.terms.incoterms or code.upper()
            s.terms.place = s.terms.place or clean(re.sub(r"\(.*?\)", "", rest).strip(" ,"))
        elif key in ("payment terms", "terms of payment", "payment"):
            s.terms.payment = s.terms.payment or value
        elif key in ("vessel voyage", "vessel", "vessel name", "ocean vessel"):
            name, _, voyage = value.partition("/")
            if s.vessel is None:
                unsure = frozenset() if certain else frozenset({"name"})
                s.vessel = Vessel(name=clean(name),
                                  provenance=Provenance(self.file, where, certain=certain, uncertain=unsure))
                s.legs.append(Leg(seq=len(s.legs) + 1, mode="sea", vessel_name=clean(name), voyage=clean(voyage),
                                  provenance=Provenance(self.file, where, certain=certain)))
        elif key in ("flight", "flight no"):
            s.flight = s.flight or value
        elif (role := normalise_route_role(key)) is not None:
            self._route_point(role, label, value, where, s, certain)
        else:
            return False
        return True

    def _route_point(self, role: str, label: str, value: str, where: str, s: Shipment, certain: bool) -> None:
        locode = _LOCODE_IN.search(value)
        code = unlocode(locode.group(1)) if locode else unlocode(value)
        iso = _ISO2_IN.search(value)
        name = clean(re.sub(r"\(.*?\)", "", value)) or None
        place_country = locode_country(code) if code else country(iso.group(1)) if iso else None
        if place_country is None and name:
            place_country = country(name.split(",")[-1]) or country(name)
        if role == "final_destination" and "country" in _key(label):
            name = None if place_country else name
        if any(p.role == role and p.unlocode == code and p.country == place_country for p in s.route):
            return
        unsure = frozenset() if certain else frozenset({"unlocode", "country", "name"})
        s.route.append(RoutePoint(role=role, unlocode=code, country=place_country, name=name, raw_role=label.strip(),
                                  provenance=Provenance(self.file, where, certain=certain, uncertain=unsure)))

    def _text_values(self, page: _Page, s: Shipment) -> None:
        """Labelled values in running text ('Port of loading: Hamburg (DEHAM) - Port of discharge: ...')."""
        for line in page.lines:
            for match in _LABELLED.finditer(line):
                label = _ref_label(match.group(1))
                if label and not self._known(s, label, match.group(2)):
                    self._pair(page, label, match.group(2), s, certain=False)
            for segment in re.split(r"\s+-\s+", line):
                if ":" in segment:
                    label, _, value = segment.partition(":")
                    wanted = _key(label) in _REF_LABELS or normalise_route_role(_key(label)) or _key(label) in (
                        "currency", "invoice date", "date", "payment terms")
                    if wanted and not self._known(s, label, value):
                        self._pair(page, label, value, s, certain=False)
            self._total(line, s)
            for label in ("Incoterms", "Payment terms", "Port of loading", "Transshipment", "Port of discharge",
                          "Country of final destination", "Vessel / Voyage"):
                if line.startswith(label + " ") and not self._known(s, label, line[len(label):]):
                    self._pair(page, label, line[len(label):], s, certain=False)

    def _known(self, s: Shipment, label: str, value: str) -> bool:
        """True when a value for this label was already read (from a table, which is surer)."""
        key = _key(label)
        role = normalise_route_role(key)
        if role:
            return any(p.role == role for p in s.route)
        if key in _REF_LABELS:
            return any(r.type == _REF_LABELS[key] and r.value == " ".join(value.split()) for r in s.references)
        if key in ("incoterms",):
            return s.terms.incoterms is not None
        if key in ("payment terms",):
            return s.terms.payment is not None
        if key in ("vessel voyage",):
            return s.vessel is not None
        return False

    # -- parties ----------------------------------------------------------------------------
    def _party_block(self, page: _Page, roles: list[str], label: str, lines: list[str], s: Shipment,
                     certain: bool) -> None:
        name = lines[0]
        address: list[str] = []
        code = None
        identifiers: list[Identifier] = []
        for line in lines[1:]:
            head, sep, tail = line.partition(":")
            if sep and _key(head) == "country":
                code = country(tail)
            elif sep and _key(head) in _ID_SCHEMES:
                identifiers.append(Identifier(_ID_SCHEMES[_key(head)], tail.strip()))
            elif not identifiers and code is None:
                address.append(line)
        if code is None and address:
            code = country(address[-1].split(",")[-1])
        where = page.line_of(name)
        uncertain = frozenset() if certain else frozenset({"name", "address", "country", "identifiers"})
        for role in roles:
            if any(p.role == role and p.name == name for p in s.parties):
                continue
            s.parties.append(Party(
                role=role, name=name, country=code, address=", ".join(address) or None,
                identifiers=list(identifiers),
                raw_role=label, provenance=Provenance(self.file, where, certain=certain,
                                                      fields={"name": where}, uncertain=uncertain),
            ))

    def _text_parties(self, page: _Page, s: Shipment) -> None:
        """Party blocks from word positions: a line of labels starts columns; lines below split by x."""
        rows = _word_rows(page.words)
        i = 0
        while i < len(rows):
            labels = _labels_in(rows[i])
            if not labels:
                i += 1
                continue
            blocks: list[list[str]] = [[] for _ in labels]
            j = i + 1
            while j < len(rows) and j <= i + 9 and not _labels_in(rows[j]):
                for b, (x0, _, _) in enumerate(labels):
                    x1 = labels[b + 1][0] if b + 1 < len(labels) else 10_000
                    text = " ".join(_cut_at_labels([w["text"] for w in rows[j] if x0 - 2 <= w["x0"] < x1 - 2]))
                    if text:
                        blocks[b].append(text)
                j += 1
            for (_, label, roles), block in zip(labels, blocks):
                if block:
                    self._party_block(page, roles, label, block, s, certain=False)
            i = j

    # -- goods from text --------------------------------------------------------------------
    def _text_goods(self, page: _Page, s: Shipment) -> None:
        header_at = next((n for n, line in enumerate(page.lines)
                          if re.search(r"\bdescription\b", line, re.IGNORECASE)
                          and re.search(r"\bhs\b|tariff|commodity", line, re.IGNORECASE)),
                         None)
        if header_at is None:
            return
        current: dict[str, str] | None = None
        start = header_at
        for n, line in enumerate(page.lines[header_at + 1:], header_at + 1):
            if line.upper().lstrip().startswith("TOTAL"):
                break
            match = _HS.search(line)
            if match:
                if current:
                    s.goods.append(self._goods_line(page, current, certain=False, start=start))
                before, after = line[:match.start()].split(), line[match.end():].split()
                if before and before[0].isdigit():
                    line_no, before = before[0], before[1:]
                else:
                    line_no = ""
                if before and re.fullmatch(r"[A-Z0-9]+(?:-[A-Z0-9]+)+", before[0]):
                    before = before[1:]  # a part number
                origin = after[0] if after and re.fullmatch(r"[A-Z]{2}", after[0]) else ""
                qty = next((a for a in after if re.fullmatch(r"\d+", a)), "")
                amounts = [a for a in after if _AMOUNT.fullmatch(a)]
                current = {"line_no": line_no, "description": " ".join(before), "hs_code": match.group(1),
                           "origin_country": origin, "quantity": qty,
                           "value": amounts[-1] if len(amounts) >= 2 else "",
                           "unit_price": amounts[-2] if len(amounts) >= 2 else ""}
                start = n - 1
            elif current is not None and line.strip():
                # continuation: description words (left) — anything after a big gap is another column
                current["description"] += " " + line.split("  ")[0].strip().split(" (")[0]
            elif not line.strip():
                continue
        if current:
            s.goods.append(self._goods_line(page, current, certain=False, start=start))


def _word_rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) < 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(r, key=lambda w: w["x0"]) for r in rows]


def _labels_in(row: list[dict[str, Any]]) -> list[tuple[float, str, list[str]]]:
    """Party labels in one row of words: (x0, label text, roles), left to right."""
    found: list[tuple[float, str, list[str]]] = []
    i = 0
    while i < len(row):
        match = None
        for size in range(min(6, len(row) - i), 0, -1):
            text = " ".join(w["text"] for w in row[i:i + size])
            roles = normalise_roles(text, strict=True)
            if roles and _is_label(text):
                match = (row[i]["x0"], text, roles, size)
                break
        if match:
            found.append(match[:3])
            i += match[3]
        else:
            i += 1
    return found if found and _label_row(row, found) else []


def _is_label(text: str) -> bool:
    return _key(text) not in ("user", "end", "by", "se", "eu", "ca", "air", "im", "ex", "ic", "uc", "cn", "cs")


def _label_row(row: list[dict[str, Any]], found: list[tuple[float, str, list[str]]]) -> bool:
    """A label row is made of labels only (and parenthesised remarks), not a name that contains a role word."""
    label_words = sum(len(label.split()) for _, label, _ in found)
    rest = " ".join(_cut_at_labels([w["text"] for w in row]))
    rest = re.sub(r"\(.*?\)", "", rest)
    return label_words > 0 and label_words >= len(rest.split())


def _ref_label(text: str) -> str | None:
    """The known label a 'words:' run ends with ('Seller / Exporter Invoice No' → 'Invoice No')."""
    words = text.split()
    for size in range(min(4, len(words)), 0, -1):
        label = " ".join(words[-size:])
        key = _key(label)
        if key in _REF_LABELS or key in _DATE_LABELS or key == "currency":
            return label
    return None


def _cut_at_labels(tokens: list[str]) -> list[str]:
    """Words up to where a document label ('Invoice No.:', 'Date:') starts another column's text."""
    for k, token in enumerate(tokens):
        if token.endswith(":") and _key(token) not in _ID_SCHEMES and _key(token) != "country":
            for j in range(max(0, k - 3), k + 1):
                if _ref_label(" ".join(tokens[j:k + 1]).rstrip(":")) == " ".join(tokens[j:k + 1]).rstrip(":"):
                    return tokens[:j]
            return tokens[:k]
    return tokens
