"""XML helpers the UBL, WCO and Cargo-XML importers share.

Those formats differ in namespaces and nesting, not in how they are read, so everything here
matches on local names and writes provenance as a readable path of local names
(`/Waybill/Shipment/Consignment/ConsigneeParty`), with a position only where siblings share
a name (`GovernmentAgencyGoodsItem[2]`). Parsing never touches the network or expands
entities: these files come from outside.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from lxml.etree import _Element as Element

from tradescreen.shipments.base import NotAShipmentDocument
from tradescreen.sources.base import read_bytes


def parse(path: Path, expected: str) -> Element:
    """The document's root element; NotAShipmentDocument (saying `expected`) when it is not XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False)
    try:
        root = etree.fromstring(read_bytes(path), parser)
    except etree.XMLSyntaxError as exc:
        raise NotAShipmentDocument(f"{path.name}: expected {expected}: not well-formed XML ({exc})") from None
    if root is None:
        raise NotAShipmentDocument(f"{path.name}: expected {expected}: empty document")
    return root


def local(el: Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(el: Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def children(el: Element | None, name: str) -> list[Element]:
    if el is None:
        return []
    return [c for c in el if local(c) == name]


def child(el: Element | None, *names: str) -> Element | None:
    """The first element down the path of local names, or None."""
    for name in names:
        if el is None:
            return None
        el = next((c for c in el if local(c) == name), None)
    return el


def text(el: Element | None, *names: str) -> str | None:
    """Stripped text (inner whitespace collapsed) at the path of local names, or None."""
    node = child(el, *names) if names else el
    if node is None or node.text is None:
        return None
    value = " ".join(node.text.split())
    return value or None


def descendants(el: Element, name: str) -> Iterator[Element]:
    for node in el.iter():
        if local(node) == name:
            yield node


def path_of(el: Element) -> str:
    """A readable XPath of local names, with positions where siblings share a name."""
    parts: list[str] = []
    node: Element | None = el
    while node is not None:
        name = local(node)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if local(c) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))
