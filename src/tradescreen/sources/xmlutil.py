"""XML helpers the XML list parsers (OFAC enhanced, UN, EU FSF, UK FCDO) share.

Every list file comes from outside, so nothing here resolves entities, loads a DTD or touches
the network. Large lists are streamed and each record is freed once read (`free`), which keeps
memory flat on the SDN edition; a broken file is read on record by record (`iter_elements`),
so damage costs the record it hits and not the rest of the list.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from tradescreen.sources.base import ParseResult

#: Names a record that could not be parsed, from its tag name and raw bytes.
Labeller = Callable[[str, bytes], str]


def local(tag: object) -> str:
    """Local name of an lxml tag ("{ns}entity" → "entity"); "" for comments and PIs, whose tag
    is not a string."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children_by_name(el: Any) -> dict[str, list[Any]]:
    """An element's child elements by local name, in document order: one pass over the children
    instead of one `find` per field."""
    out: dict[str, list[Any]] = {}
    if el is None:
        return out
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            out.setdefault(tag.rpartition("}")[2], []).append(child)
    return out


#: Whitespace that `text` must fold: a run of spaces, or any white space but the plain space.
_MESSY = re.compile(r"\s\s|[^\S ]")


def text(el: Any) -> str:
    """An element's text (its descendants' too), whitespace runs folded; "" for a missing element.

    Most values are clean, so folding is skipped unless the text needs it (a regex test is far
    cheaper than split and join on every value of a large list).
    """
    if el is None:
        return ""
    value = el.text if len(el) == 0 else "".join(el.itertext())
    if not value:
        return ""
    return " ".join(value.split()) if _MESSY.search(value) else value.strip()


def free(el: Any) -> None:
    """Clear a streamed element and drop the siblings read before it, so that memory stays flat
    however long the list (lxml keeps the tree it has built so far otherwise)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def root_element(head: bytes) -> Any:
    """The root element as read from its start tag (attributes set, no children), or None.

    Reads only as far as the root's start tag, so a truncated head is fine.
    """
    try:
        parser = etree.iterparse(
            io.BytesIO(head), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        )
        for _event, el in parser:
            return el
    except (etree.LxmlError, ValueError, LookupError):
        return None
    return None


def xml_root(head: bytes) -> tuple[str, str] | None:
    """(local name, namespace) of the document's root element, or None when it is not XML."""
    root = root_element(head)
    if root is None:
        return None
    qname = etree.QName(root)
    return str(qname.localname), str(qname.namespace or "")


def iter_elements(
    data: bytes, tags: Sequence[str], path: Path, result: ParseResult, label: Labeller | None = None
) -> Iterator[tuple[Any, int]]:
    """Yield (element, line) for each element whose local name is in `tags`, in document order.

    The document is streamed (lxml filters the tags in C) and each element is freed once the
    consumer has seen it. When the XML turns out to be broken, one error says where, and the
    rest of the file is read record by record: each remaining element is cut out of the raw
    bytes (from its start tag to its end tag) and parsed on its own, so damage stays confined
    to the record it hits; damaged records are reported (named by `label`) and skipped.
    lxml's own recovery mode is not used because a single mismatched end tag makes it close
    the document early and silently drop every record after it.
    """
    yielded = 0
    wanted = tuple("{*}" + t.rpartition("}")[2] for t in tags)
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=wanted,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _event, el in events:
            yield el, el.sourceline or 0
            yielded += 1
            free(el)
        return
    except (etree.LxmlError, ValueError, LookupError) as exc:
        error = exc
    line = getattr(error, "lineno", None) or "?"
    result.error(path, f"line {line}", None, f"XML is broken ({error}); the rest is read record by record")
    yield from _records_one_by_one(data, [t.rpartition("}")[2] for t in tags], yielded, path, result, label)


def _records_one_by_one(
    data: bytes, names: list[str], skip: int, path: Path, result: ParseResult, label: Labeller | None
) -> Iterator[tuple[Any, int]]:
    alternatives = b"|".join(re.escape(n.encode()) for n in names)
    start_tag = re.compile(rb"<((?:[\w.-]+:)?(?:" + alternatives + rb"))(?=[\s/>])")
    starts = list(start_tag.finditer(data))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    line, counted = 1, 0
    for index, match in enumerate(starts):
        begin = match.start()
        line += data.count(b"\n", counted, begin)
        counted = begin
        if index < skip:
            continue
        limit = starts[index + 1].start() if index + 1 < len(starts) else len(data)
        qname = match.group(1)
        name = qname.rpartition(b":")[2].decode()
        close = data.find(b">", begin, limit)
        if close > 0 and data[close - 1 : close] == b"/":
            stop = close + 1  # <tag .../>
        else:
            end_tag = b"</" + qname + b">"
            found = data.find(end_tag, begin, limit)
            stop = found + len(end_tag) if found >= 0 else -1
        chunk = data[begin:stop] if stop > 0 else data[begin:limit]
        where = (label(name, chunk) if label is not None else name) + f" (line {line})"
        if stop < 0:
            result.error(
                path, where, None, f"no </{name}> before the next record (truncated or damaged); skipped"
            )
            continue
        try:
            el = etree.fromstring(chunk, parser)
        except (etree.LxmlError, ValueError, LookupError) as exc:
            at = line + (getattr(exc, "lineno", None) or 1) - 1
            reason = str(exc).split(", line ", 1)[0]
            result.error(path, where, None, f"damaged record ({reason}, at line {at}); skipped")
            continue
        if re.search(rb"</(?:[\w.-]+:)?(?:" + alternatives + rb")>", data[stop:limit]):
            result.error(path, f"after {where}", None, "a record whose start tag is damaged; skipped")
        yield el, line
