"""The structured facts OFAC packs into the free-text `Remarks` column of its legacy CSVs.

OFAC's CSV has no columns for birth dates, passports, tax ids or vessel IMO numbers: they
are written into `Remarks` as `label value` clauses separated by `;`, e.g.
`DOB 1969; alt. DOB 10 Oct 1969; POB Xudur, Somalia; Passport 0310857 (Eritrea) issued ...;
Linked To: AL-SHABAAB; a.k.a. 'ABU MANSUR'.` Screening needs those facts as separate
values (a birth year to confirm a person, an IMO number to match a vessel exactly), so we
split the text into clauses and dispatch each clause on its label: one table of
(label pattern, handler, field), grouped by the label's first word so that a clause is tried
against two or three compiled patterns instead of a hundred, which keeps the whole SDN list
to a fraction of a second. Clauses without a known label (positions, "ICTY indictee.") stay
only in the full remarks text, which callers keep in `notes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tradescreen.dates import parse_date, parse_dates
from tradescreen.sources.common import country_code


@dataclass(slots=True)
class Remarks:
    """Facts read from one entry's remarks. Lists keep the text's order; duplicates are dropped."""

    birth_dates: list[str] = field(default_factory=list)  # ISO prefixes
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # country codes
    citizenships: list[str] = field(default_factory=list)  # country codes
    gender: str | None = None  # "male" / "female"
    passports: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    social_security_numbers: list[str] = field(default_factory=list)
    tax_numbers: list[str] = field(default_factory=list)
    inn_codes: list[str] = field(default_factory=list)  # Russian tax ids (INN)
    vat_codes: list[str] = field(default_factory=list)
    registration_numbers: list[str] = field(default_factory=list)
    ogrn_codes: list[str] = field(default_factory=list)  # Russian registration numbers (OGRN)
    okpo_codes: list[str] = field(default_factory=list)  # Russian "Government Gazette Number"
    usc_codes: list[str] = field(default_factory=list)  # Chinese Unified Social Credit Code
    license_numbers: list[str] = field(default_factory=list)
    lei_codes: list[str] = field(default_factory=list)
    duns_codes: list[str] = field(default_factory=list)
    swift_bics: list[str] = field(default_factory=list)
    bik_codes: list[str] = field(default_factory=list)
    isin_codes: list[str] = field(default_factory=list)
    tickers: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    crypto_wallets: list[str] = field(default_factory=list)  # "XBT 1Kuf2Rd8..."
    imo_numbers: list[str] = field(default_factory=list)  # "IMO1234567"
    mmsis: list[str] = field(default_factory=list)
    call_signs: list[str] = field(default_factory=list)  # "Other Vessel Call Sign"
    vessel_registrations: list[str] = field(default_factory=list)  # non-IMO registration ids
    vessel_flags: list[str] = field(default_factory=list)  # country codes
    past_flags: list[str] = field(default_factory=list)  # country codes
    vessel_types: list[str] = field(default_factory=list)
    build_dates: list[str] = field(default_factory=list)  # vessel year of build, aircraft manufacture date
    registration_countries: list[str] = field(default_factory=list)  # "Nationality of Registration"
    aircraft_models: list[str] = field(default_factory=list)
    aircraft_serials: list[str] = field(default_factory=list)  # manufacturer's serial number (MSN)
    aircraft_tail_numbers: list[str] = field(default_factory=list)
    previous_tail_numbers: list[str] = field(default_factory=list)
    aircraft_operators: list[str] = field(default_factory=list)
    incorporation_dates: list[str] = field(default_factory=list)  # "Organization Established Date"
    organization_types: list[str] = field(default_factory=list)  # "Organization Type: ..." (a sector)
    linked_to: list[str] = field(default_factory=list)  # names as written, for link resolution
    weak_aliases: list[str] = field(default_factory=list)  # a.k.a. 'X' inside remarks
    previous_names: list[str] = field(default_factory=list)  # f.k.a. 'X'
    new_names: list[str] = field(default_factory=list)  # n.k.a. 'X' (the entry's current name)
    #: Secondary-sanctions and directive statements ("Secondary sanctions risk: ...",
    #: "Additional Sanctions Information - ...", CAATSA, EO 13662/14024 directives).
    sanctions_info: list[str] = field(default_factory=list)
    #: Clauses whose label is known but whose value could not be read.
    problems: list[str] = field(default_factory=list)
    #: Clauses without a recognised label.
    unparsed: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Tokenizer


_QUOTE_OPEN = re.compile(r"(?:^|(?<=[\s(]))'")
_QUOTE_CLOSE = re.compile(r"'(?=[\s.,;:)]|$)")


def _unbalanced(text: str) -> bool:
    """True while a clause has an open parenthesis or an open quote that a later `;` may close."""
    if "(" in text and text.count("(") > text.count(")"):
        return True
    return "'" in text and len(_QUOTE_OPEN.findall(text)) > len(_QUOTE_CLOSE.findall(text))


def split_remarks(text: str) -> list[str]:
    """Split remarks into clauses at `;` outside parentheses and quotes.

    Apostrophes also occur inside words (`Driver's License`, `ABU-'UMAR`), so a quote only
    opens after a space or `(` and only closes before a space, punctuation or the end. When a
    clause never balances (a remark cut in mid-quote) the rest falls back to a plain split,
    so one stray quote cannot swallow the following facts.
    """
    if ";" not in text:
        clause = text.strip()
        return [clause] if clause else []
    pieces = text.split(";")
    if "(" not in text and "'" not in text:
        return [p.strip() for p in pieces if p.strip()]
    out: list[str] = []
    start = 0
    buf: str | None = None
    for i, piece in enumerate(pieces):
        if buf is None:
            buf, start = piece, i
        else:
            buf = buf + ";" + piece
        if not _unbalanced(buf):
            out.append(buf.strip())
            buf = None
    if buf is not None:
        out.extend(p.strip() for p in pieces[start:])
    return [c for c in out if c]


# ---------------------------------------------------------------------------------------------
# Value readers


_TRAILING_DOT = re.compile(r"\.+$")
#: `NUMBER (Country) issued 01 Jan 2000 expires 31 Dec 2005` -> NUMBER, Country.
_IDENT = re.compile(
    r"^(?P<num>.+?)\s*(?:\((?P<country>[^()]*)\))?"
    r"(?:[\s,]+(?:issued|expires?|expiring|Issue Date|Expire Date|valid)\b.*)?$",
    re.IGNORECASE | re.DOTALL,
)
_QUOTED = re.compile(r"^'(?P<name>.*)'\.?$", re.DOTALL)
_IMO = re.compile(r"^(?:IMO\s*)?(\d{7})\b")
_CRYPTO = re.compile(r"^-?\s*(?P<cur>[A-Z0-9]{2,6})\s+(?P<addr>\S+)")


def _clean(value: str) -> str:
    return _TRAILING_DOT.sub("", value.strip()).strip()


def _ident(value: str) -> tuple[str, str | None]:
    """The identifier and the country in brackets after it, without issue/expiry details."""
    value = _clean(value)
    m = _IDENT.match(value)
    if m is None:  # pragma: no cover - the pattern matches any non-empty text
        return value, None
    num = m.group("num").strip().rstrip(",").strip()
    country = m.group("country")
    return num, (country.strip() if country else None)


def _append(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _keep(rem: Remarks, clause: str, values: list[str], value: str | None) -> bool:
    """Append what a clause was read as; a clause that gave nothing is kept among the problems,
    so that it is reported rather than silently lost. Says whether there was a value."""
    if not value:
        rem.problems.append(clause)
        return False
    _append(values, value)
    return True


#: (remarks, whole clause, value after the label, target field)
Handler = Callable[[Remarks, str, str, str], None]


#: What OFAC writes where it knows no country ("Former Vessel Flag None Identified").
_NO_COUNTRY = frozenset({"none identified", "unknown", "none"})
_CIRCA = re.compile(r"^(?:circa|approximately|about)\s+", re.IGNORECASE)


def _h_dob(rem: Remarks, clause: str, value: str, target: str) -> None:
    # "circa 07 Jul 1966" is still that date for matching; parse_dates only knows "circa YYYY".
    raw = _CIRCA.sub("", _clean(value))
    dates = parse_dates(raw)
    if not dates:
        rem.problems.append(clause)
    for d in dates:
        _append(rem.birth_dates, d)


def _h_date(rem: Remarks, clause: str, value: str, target: str) -> None:
    _keep(rem, clause, getattr(rem, target), parse_date(_clean(value)))


def _h_first_date(rem: Remarks, clause: str, value: str, target: str) -> None:
    """A date that may be written as a range ("01 Jan 2015 to 31 Dec 2015"): keep its start."""
    dates = parse_dates(_clean(value))
    _keep(rem, clause, getattr(rem, target), dates[0] if dates else None)


def _h_text(rem: Remarks, clause: str, value: str, target: str) -> None:
    _append(getattr(rem, target), _clean(value))


def _h_full(rem: Remarks, clause: str, value: str, target: str) -> None:
    """Keep the whole clause, label included: statements read as sentences."""
    _append(getattr(rem, target), _clean(clause))


def _h_country(rem: Remarks, clause: str, value: str, target: str) -> None:
    raw = _clean(value)
    if raw.lower() in _NO_COUNTRY:
        return
    _keep(rem, clause, getattr(rem, target), country_code(raw))


def _h_ident(rem: Remarks, clause: str, value: str, target: str) -> None:
    _keep(rem, clause, getattr(rem, target), _ident(value)[0])


def _h_tax(rem: Remarks, clause: str, value: str, target: str) -> None:
    num, country = _ident(value)
    if _keep(rem, clause, rem.tax_numbers, num) and country and country.lower() == "russia":
        _append(rem.inn_codes, num)


def _h_registration(rem: Remarks, clause: str, value: str, target: str) -> None:
    num, country = _ident(value)
    if not _keep(rem, clause, rem.registration_numbers, num):
        return
    if country and country.lower() == "russia" and num.isdigit() and len(num) in (13, 15):
        _append(rem.ogrn_codes, num)


def _h_gazette(rem: Remarks, clause: str, value: str, target: str) -> None:
    num, country = _ident(value)
    if country and country.lower() == "russia":
        _append(rem.okpo_codes, num)
    else:
        _append(rem.registration_numbers, num)


def _h_usc(rem: Remarks, clause: str, value: str, target: str) -> None:
    num, _country = _ident(value)
    _append(rem.usc_codes, num)
    _append(rem.registration_numbers, num)


def _h_gender(rem: Remarks, clause: str, value: str, target: str) -> None:
    word = _clean(value).lower()
    if word in ("male", "female"):
        rem.gender = word
    else:
        rem.problems.append(clause)


def _h_quoted(rem: Remarks, clause: str, value: str, target: str) -> None:
    m = _QUOTED.match(value.strip())
    name = m.group("name").strip() if m else _clean(value).strip("'")
    _keep(rem, clause, getattr(rem, target), name)


def _h_link(rem: Remarks, clause: str, value: str, target: str) -> None:
    # Keep the trailing dot: "... CO., LTD." is a name, the resolver tries both forms.
    name = value.strip()
    if name:
        _append(rem.linked_to, name)


def _h_imo(rem: Remarks, clause: str, value: str, target: str) -> None:
    m = _IMO.match(_clean(value))
    _keep(rem, clause, rem.imo_numbers, f"IMO{m.group(1)}" if m else None)


def _h_vessel_reg(rem: Remarks, clause: str, value: str, target: str) -> None:
    """Usually "IMO 1234567", sometimes a national register number ("RS 150443 (Russia)")."""
    raw = _clean(value)
    m = _IMO.match(raw)
    if m is not None and raw.upper().startswith("IMO"):
        _append(rem.imo_numbers, f"IMO{m.group(1)}")
        return
    num, _country = _ident(raw)
    _append(rem.vessel_registrations, num)


def _h_crypto(rem: Remarks, clause: str, value: str, target: str) -> None:
    m = _CRYPTO.match(value.strip())
    if m is None:
        rem.problems.append(clause)
        return
    _append(rem.crypto_wallets, f"{m.group('cur')} {_clean(m.group('addr'))}")


_HANDLERS: dict[str, Handler] = {
    "dob": _h_dob,
    "date": _h_date,
    "text": _h_text,
    "full": _h_full,
    "country": _h_country,
    "ident": _h_ident,
    "tax": _h_tax,
    "registration": _h_registration,
    "gazette": _h_gazette,
    "usc": _h_usc,
    "gender": _h_gender,
    "quoted": _h_quoted,
    "link": _h_link,
    "imo": _h_imo,
    "vessel_reg": _h_vessel_reg,
    "first_date": _h_first_date,
    "crypto": _h_crypto,
}

#: (label pattern, handler kind, target field). Order matters where one label starts another
#: ("Nationality of Registration" before "nationality"). Patterns are case-insensitive and
#: matched at the start of a clause, after an optional "alt." prefix.
LABELS: tuple[tuple[str, str, str], ...] = (
    # persons
    (r"DOB", "dob", "birth_dates"),
    (r"POB", "text", "birth_places"),
    (r"Nationality\s+of\s+Registration", "country", "registration_countries"),
    (r"nationality(?:\s+possibly)?", "country", "nationalities"),
    (r"citizen(?:ship)?", "country", "citizenships"),
    (r"Gender", "gender", ""),
    (r"Passport(?:\s+No\.?|\s+Number)?", "ident", "passports"),
    (r"Diplomatic\s+Passport", "ident", "passports"),
    (r"Official\s+Passport", "ident", "passports"),
    (r"Service\s+Passport", "ident", "passports"),
    (r"Travel\s+Document\s+Number", "ident", "id_numbers"),
    # identity documents -> idNumber
    (r"National\s+ID\s+No\.?", "ident", "id_numbers"),
    (r"National\s+Foreign\s+ID\s+Number", "ident", "id_numbers"),
    (r"Personal\s+ID\s+Card", "ident", "id_numbers"),
    (r"Identification\s+Number", "ident", "id_numbers"),
    (r"Turkish\s+Identification\s+Number", "ident", "id_numbers"),
    (r"Citizen's\s+Card\s+Number", "ident", "id_numbers"),
    (r"Cedula\s+No\.?", "ident", "id_numbers"),
    (r"D\.N\.I\.", "ident", "id_numbers"),
    (r"C\.U\.R\.P\.?", "ident", "id_numbers"),
    (r"C\.U\.I\.", "ident", "id_numbers"),
    (r"Numero\s+de\s+Identidad", "ident", "id_numbers"),
    (r"Electoral\s+Registry\s+No\.?", "ident", "id_numbers"),
    (r"Credencial\s+electoral", "ident", "id_numbers"),
    (r"Driver's\s+License\s+No\.?", "ident", "id_numbers"),
    (r"Birth\s+Certificate\s+Number", "ident", "id_numbers"),
    (r"Residency\s+Number", "ident", "id_numbers"),
    (r"Cartilla\s+de\s+Servicio\s+Militar\s+Nacional", "ident", "id_numbers"),
    (r"SSN", "ident", "social_security_numbers"),
    # tax ids
    (r"Tax\s+ID\s+No\.?", "tax", ""),
    (r"Italian\s+Fiscal\s+Code", "tax", ""),
    (r"R\.F\.C\.?", "tax", ""),
    (r"RFC", "tax", ""),
    (r"NIT\s*#?", "tax", ""),
    (r"C\.U\.I\.T\.?", "tax", ""),
    (r"RUC\s*#?", "tax", ""),
    (r"RIF\s*#?", "tax", ""),
    (r"US\s+FEIN", "tax", ""),
    (r"V\.A\.T\.\s+Number", "ident", "vat_codes"),
    # company registers
    (r"Registration\s+(?:Number|ID|No\.?)", "registration", ""),
    (r"Business\s+Registration\s+(?:Number|Document\s*#?)", "registration", ""),
    (r"Company\s+Number", "registration", ""),
    (r"UK\s+Company\s+Number", "registration", ""),
    (r"Commercial\s+Registry\s+Number", "registration", ""),
    (r"C\.R\.\s+No\.?", "registration", ""),
    (r"Certificate\s+of\s+Incorporation\s+Number", "registration", ""),
    (r"Chamber\s+of\s+Commerce\s+Number", "registration", ""),
    (r"Istanbul\s+Chamber\s+of\s+Comm\.\s+No\.?", "registration", ""),
    (r"Dubai\s+Chamber\s+of\s+Commerce\s+Membership\s+No\.?", "registration", ""),
    (r"Enterprise\s+Number", "registration", ""),
    (r"Business\s+Number", "registration", ""),
    (r"Branch\s+Unit\s+Number", "registration", ""),
    (r"Public\s+Registration\s+Number", "registration", ""),
    (r"Folio\s+Mercantil\s+No\.?", "registration", ""),
    (r"Matricula\s+Mercantil\s+No\.?", "registration", ""),
    (r"Economic\s+Register\s+Number\s+\(CBLS\)", "registration", ""),
    (r"Central\s+Registration\s+System\s+Number", "registration", ""),
    (r"LE\s+Number", "registration", ""),
    (r"Registered\s+Charity\s+No\.?", "registration", ""),
    (r"Government\s+Gazette\s+Number", "gazette", ""),
    (r"Unified\s+Social\s+Credit\s+Code\s+\(USCC\)", "usc", ""),
    (r"United\s+Social\s+Credit\s+Code\s+Certificate\s+\(USCCC\)", "usc", ""),
    (r"Trade\s+License\s+No\.?", "ident", "license_numbers"),
    (r"License", "ident", "license_numbers"),
    (r"Permit\s+Number", "ident", "license_numbers"),
    (r"Legal\s+Entity\s+Number", "ident", "lei_codes"),
    (r"D-U-N-S\s+Number", "ident", "duns_codes"),
    (r"SWIFT/BIC", "ident", "swift_bics"),
    (r"BIK\s+\(RU\)", "ident", "bik_codes"),
    (r"ISIN", "ident", "isin_codes"),
    (r"Equity\s+Ticker", "text", "tickers"),
    # contact
    (r"Website", "text", "websites"),
    (r"Email\s+Address", "text", "emails"),
    (r"Phone\s+Number", "text", "phones"),
    (r"Telephone(?:\s+No\.?)?", "text", "phones"),
    (r"Digital\s+Currency\s+Address", "crypto", ""),
    # organisations
    (r"Organization\s+Established\s+Date", "first_date", "incorporation_dates"),
    (r"Organization\s+Type", "text", "organization_types"),
    # vessels
    (r"Vessel\s+Registration\s+Identification", "vessel_reg", ""),
    (r"IMO", "imo", ""),
    (r"MMSI", "text", "mmsis"),
    (r"Vessel\s+Flag", "country", "vessel_flags"),
    (r"Former\s+Vessel\s+Flag", "country", "past_flags"),
    (r"Other\s+Vessel\s+Flag", "country", "past_flags"),
    (r"Other\s+Vessel\s+Call\s+Sign", "text", "call_signs"),
    (r"Vessel\s+Type", "text", "vessel_types"),
    (r"Vessel\s+Year\s+of\s+Build", "date", "build_dates"),
    # aircraft
    (r"Aircraft\s+Model", "text", "aircraft_models"),
    (r"Aircraft\s+Manufacturer's\s+Serial\s+Number\s+\(MSN\)", "text", "aircraft_serials"),
    (r"Aircraft\s+Manufacture\s+Date", "date", "build_dates"),
    (r"Aircraft\s+Tail\s+Number", "text", "aircraft_tail_numbers"),
    (r"Previous\s+Aircraft\s+Tail\s+Number", "text", "previous_tail_numbers"),
    (r"Aircraft\s+Operator", "text", "aircraft_operators"),
    # relations and names
    (r"Linked\s+To", "link", ""),
    (r"a\.k\.a\.", "quoted", "weak_aliases"),
    (r"f\.k\.a\.", "quoted", "previous_names"),
    (r"n\.k\.a\.", "quoted", "new_names"),
    # sanctions statements
    (r"Secondary\s+sanctions\s+risk", "full", "sanctions_info"),
    (r"Additional\s+Sanctions\s+Information", "full", "sanctions_info"),
    (r"Transactions\s+Prohibited\s+For", "full", "sanctions_info"),
    (r"CAATSA\s+Section\s+235\s+Information", "full", "sanctions_info"),
    (
        r"Executive\s+Order\s+\d+\s+(?:Directive\s+Determination|Directive\s+Information|information)",
        "full",
        "sanctions_info",
    ),
    (r"Listing\s+Date\s+\([^)]*\)", "full", "sanctions_info"),
    (r"Effective\s+Date\s+\([^)]*\)", "full", "sanctions_info"),
    (r"Purchase/Sales\s+For\s+Divestment\s+Date", "full", "sanctions_info"),
)

_LABEL_END = r"(?![\w'])\s*(?:[:\-]\s*)?"
_TOKEN_STRIP = ".:#"


def _first_word(pattern: str) -> str:
    """The literal first word of a label pattern (`Tax\\s+ID` -> "tax"), its dispatch key."""
    m = re.match(r"((?:\\[^sdwSDW]|[^\\\s(?])+)", pattern)
    if m is None:
        raise ValueError(f"label pattern without a literal first word: {pattern!r}")
    return re.sub(r"\\(.)", r"\1", m.group(1)).lower().rstrip(_TOKEN_STRIP)


def _build_dispatch() -> dict[str, tuple[re.Pattern[str], dict[str, tuple[Handler, str]]]]:
    """Group the label table by first word; one small alternation per word.

    Python's `re` tries alternatives one after another, so a single 100-way alternation costs
    microseconds per clause; looking the clause's first word up in a dict first leaves only
    the two or three labels that share it.
    """
    by_word: dict[str, list[tuple[int, str, str, str]]] = {}
    for i, (pattern, kind, target) in enumerate(LABELS):
        by_word.setdefault(_first_word(pattern), []).append((i, pattern, kind, target))
    out: dict[str, tuple[re.Pattern[str], dict[str, tuple[Handler, str]]]] = {}
    for word, entries in by_word.items():
        regex = re.compile(
            "(?:" + "|".join(f"(?P<g{i}>{p})" for i, p, _k, _t in entries) + ")" + _LABEL_END, re.IGNORECASE
        )
        out[word] = (regex, {f"g{i}": (_HANDLERS[k], t) for i, _p, k, t in entries})
    return out


_DISPATCH = _build_dispatch()


def _classify(clause: str) -> tuple[Handler, str, str] | None:
    """(handler, target field, value) for a clause with a known label, else None."""
    start = 5 if clause[:5].lower() == "alt. " else 0
    head = clause[start : start + 48].split(None, 1)
    if not head:
        return None
    entry = _DISPATCH.get(head[0].lower().rstrip(_TOKEN_STRIP))
    if entry is None:
        return None
    regex, groups = entry
    m = regex.match(clause, start)
    if m is None or m.lastgroup is None:
        return None
    handler, target = groups[m.lastgroup]
    return handler, target, clause[m.end() :]


def parse_remarks(text: str | None) -> Remarks:
    """Read the facts from one entry's remarks (already joined with its continuation)."""
    rem = Remarks()
    if not text:
        return rem
    for clause in split_remarks(text):
        found = _classify(clause)
        if found is None:
            rem.unparsed.append(clause)
            continue
        handler, target, value = found
        if not value.strip(" ."):
            rem.problems.append(clause)
            continue
        handler(rem, clause, value, target)
    return rem
