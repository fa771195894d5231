"""Small normalisers every importer shares: roles, countries, UN/LOCODEs, numbers.

Documents name the same role a dozen ways ("Notify Party", "N1", "NFY", "also notify");
the rules only understand the fixed vocabulary in `model.PARTY_ROLES`, so each importer
maps through one table here instead of keeping its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tradescreen.countries import to_code

_ROLE_WORDS: dict[str, str] = {}


def _add(role: str, *names: str) -> None:
    for name in names:
        _ROLE_WORDS[name] = role


_add("seller", "seller", "vendor", "supplier", "sold by", "seller supplier", "seller supplier party", "se")
_add("buyer", "buyer", "sold to", "purchaser", "customer", "bill to", "buyer customer", "buyer customer party",
     "by", "invoice to", "invoicee")
_add("exporter", "exporter", "usppi", "ex", "exporter of record", "exporter party")
_add("shipper", "shipper", "consignor", "cz", "shp", "os", "sender", "despatch party", "dispatch party",
     "despatcher", "original shipper", "consignor party", "shipper consignor")
_add("consignee", "consignee", "cn", "cne", "ship to", "deliver to", "receiver", "endorsee", "end",
     "consignee party", "consignee ship to", "delivery party")
_add("ultimate_consignee", "ultimate consignee", "uc", "final delivery", "final delivery party",
     "final consignee", "ultimate receiver")
_add("intermediate_consignee", "intermediate consignee", "ic", "intermediate receiver")
_add("end_user", "end user", "enduser", "end users", "ultimate end user", "eu", "final user", "user")
_add("notify_party", "notify", "notify party", "n1", "n2", "n3", "ni", "nfy", "also notify",
     "notify party 1", "notify party 2", "notify party 3", "first notify party", "second notify party")
_add("freight_forwarder", "freight forwarder", "forwarder", "ffw", "agt", "fw", "ddr", "dds",
     "forwarding agent", "freight forwarder party", "logistics provider", "forwarder agent")
_add("carrier", "carrier", "ca", "air", "issuing party", "issuing carrier", "airline", "shipping line",
     "carrier party", "carriers agent at destination", "carrier agent")
_add("bank", "bank", "issuing bank", "advising bank", "negotiating bank", "confirming bank", "bk",
     "beneficiary bank", "remitting bank", "collecting bank")
_add("importer", "importer", "im", "importer of record")
_add("manufacturer", "manufacturer", "mf", "producer", "maker", "manufacturer party")
_add("other", "declarant", "representative", "agent", "sco", "cow", "cox", "dcl", "brk", "cs",
     "service contract owner", "issue to", "other", "broker", "customs broker", "consolidator",
     "warehouse keeper", "wh", "originator customer party", "originator")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower().replace("'", "")).split())


def normalise_roles(text: str | None, strict: bool = False) -> list[str]:
    """The vocabulary roles a written role stands for; [] when it names none we know.

    "Seller / Exporter" is two roles; "Consignee (Ship to)" and "End User (per end-user
    statement)" are one, so parenthesised remarks are tried whole first and then dropped.
    With `strict`, every part must be a role (a label, not a sentence that contains one).
    """
    if not text:
        return []
    whole = _key(text)
    if whole in _ROLE_WORDS:
        return [_ROLE_WORDS[whole]]
    bare = _key(re.sub(r"\([^)]*\)", " ", text))
    if bare in _ROLE_WORDS:
        return [_ROLE_WORDS[bare]]
    roles: list[str] = []
    for part in re.split(r"/|&|\band\b|,", re.sub(r"\([^)]*\)", " ", text)):
        role = _ROLE_WORDS.get(_key(part))
        if role is None and strict and _key(part):
            return []
        if role and role not in roles:
            roles.append(role)
    return roles


def normalise_role(text: str | None) -> str | None:
    """One vocabulary role for a written role, None when it is not one we know."""
    roles = normalise_roles(text)
    return roles[0] if roles else None


_ROUTE_WORDS: dict[str, str] = {}


def _route(role: str, *names: str) -> None:
    for name in names:
        _ROUTE_WORDS[name] = role


_route("place_of_receipt", "place of receipt", "place of acceptance", "receipt", "origin", "pickup",
       "place of taking in charge", "pre carriage from")
_route("country_of_dispatch", "country of dispatch", "country of export", "export country", "dispatch country",
       "country of exportation", "original departure country")
_route("goods_location", "goods location", "location of goods")
_route("port_of_loading", "port of loading", "pol", "loading port", "airport of departure", "port of export",
       "port of departure", "departure airport", "airport of loading", "loading")
_route("transshipment", "transshipment", "transhipment", "port of transshipment", "port of transhipment",
       "via", "transit", "transit port", "transshipment port", "transhipment port")
_route("routing_country", "routing country", "country of routing", "routing countries", "countries of routing")
_route("port_of_discharge", "port of discharge", "pod", "discharge port", "airport of destination",
       "port of unloading", "unloading port", "destination airport", "airport of discharge",
       "port of unlading", "foreign port of unlading", "discharge")
_route("place_of_delivery", "place of delivery", "delivery", "place of final delivery", "delivery place",
       "on carriage to")
_route("final_destination", "final destination", "destination", "country of final destination",
       "country of destination", "ultimate destination", "country of ultimate destination",
       "destination country", "final destination country", "onward inland routing")


def normalise_route_role(text: str | None) -> str | None:
    """A route role for a written one ("POL", "Port of Loading", "Transhipment"); None if unknown."""
    if not text:
        return None
    key = _key(text.replace("_", " "))
    if key in _ROUTE_WORDS:
        return _ROUTE_WORDS[key]
    if key.replace(" ", "_") in ("place_of_receipt",):
        return "place_of_receipt"
    return None


def country(text: object) -> str | None:
    """Lower-case ISO2 (FtM) code for a country written as code or name; None if it is none."""
    if text is None:
        return None
    value = str(text).strip()
    if not value:
        return None
    code = to_code(value)
    if code is None:
        # "Azerbaijan (AZ)", "AZ - Azerbaijan": try the parts.
        for part in re.split(r"[()\-,/]", value):
            part = part.strip()
            if part and (code := to_code(part)):
                break
    return code


_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def unlocode(text: object) -> str | None:
    """The UN/LOCODE in `text` ("DEHAM", "DE HAM"), None if it is not one."""
    if text is None:
        return None
    value = str(text).strip().upper().replace(" ", "")
    return value if _LOCODE.match(value) else None


@lru_cache(maxsize=4096)
def locode_country(code: str | None) -> str | None:
    """The country a UN/LOCODE is in: its first two letters, except XZ (international waters)."""
    if not code or len(code) < 2:
        return None
    prefix = code[:2].upper()
    if prefix == "XZ":
        return None
    return to_code(prefix)


def number(value: object) -> float | None:
    """A number from what people write: 1250, "1,250.00", "1.250,00", "12 000", "EUR 40.5"."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = re.sub(r"[^\d,.\-]", "", str(value))
    if not text or not re.search(r"\d", text):
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = head.replace(",", "") + ("." if len(tail) != 3 else "") + tail
    try:
        return float(text)
    except ValueError:
        return None


def clean(value: object) -> str | None:
    """A stripped string, None for empty values and list placeholders."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def join_lines(values: object, sep: str = ", ") -> str | None:
    """Several printed lines as one string (None when all are empty)."""
    if values is None:
        return None
    if isinstance(values, str):
        return clean(values)
    if isinstance(values, (list, tuple)):
        parts = [c for c in (clean(v) for v in values if not isinstance(v, (dict, list))) if c]
        return sep.join(parts) or None
    return clean(values)


MODES: dict[str, str] = {
    "0": "unknown", "1": "sea", "2": "rail", "3": "road", "4": "air", "5": "mail",
    "6": "multimodal", "7": "fixed_installation", "8": "inland_water", "9": "other",
    "vessel": "sea", "sea": "sea", "rail": "rail", "truck": "road", "road": "road", "barge": "inland_water",
    "air": "air", "plane": "air", "mail": "mail",
}


def mode(text: object) -> str | None:
    if text is None:
        return None
    return MODES.get(str(text).strip().lower())
