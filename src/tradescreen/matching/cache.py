"""On-disk cache of built candidate indexes: the same lists are screened again and again, built once.

The cache file is keyed by what the index is a function of: the entities (a content hash, or a key the
caller already has, e.g. the release content hashes of the active lists) and the matcher's analysis code
and data (`code_version`: the sources of the modules that turn names into index rows, their data files,
and the versions of the libraries they call). A changed list or a changed analysis gives another file;
stale files are simply never read again.

Files are pickles (protocol 5: numpy arrays are written as raw buffers) written atomically (temp file in
the same folder, then `os.replace`), so a crash mid-write never leaves a half file under the real name.
A file that cannot be read back (truncated, corrupted, another version) is treated as absent: the index
is rebuilt and the file rewritten. Only load caches from a folder you trust: pickles can run code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from tradescreen.entity import Entity
from tradescreen.matching.index import CandidateIndex

#: Bump when the index layout changes in a way the source hash would not catch.
FORMAT = 1
_MAGIC = "tradescreen-index"
_SOURCES = ("index.py", "names.py", "text.py", "legal_forms.py", "residue.py", "model.py", "cache.py",
            "burmese.py", "features.py", "datafiles.py")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of everything that shapes the index besides the entities."""
    h = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}".encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        h.update((here / name).read_bytes())
    for path in sorted([*(here / "data").glob("*.txt"), *(here / "data").glob("*.tsv")]):
        h.update(path.name.encode() + path.read_bytes())
    for dist in ("rigour", "anyascii", "numpy", "scipy"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(dist.encode())
    return h.hexdigest()


def entities_key(entities: Iterable[Entity]) -> str:
    """Content hash of the target entities, in order (order decides index positions and tie-breaks)."""
    h = hashlib.sha256()
    for e in entities:
        if e.target:
            h.update(repr((e.id, e.schema, e.datasets, e.properties)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cache_path(cache_dir: Path, content_key: str) -> Path:
    key = hashlib.sha256(f"{content_key}|{code_version()}".encode()).hexdigest()[:40]
    return Path(cache_dir) / f"match-index-{key}.pkl"


def load(path: Path) -> CandidateIndex | None:
    """The cached index, or None when the file is missing or unreadable for any reason."""
    try:
        with open(path, "rb") as fh:
            magic, version, index = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - any damage to the file means "not cached"
        return None
    if magic != _MAGIC or version != code_version() or not isinstance(index, CandidateIndex):
        return None
    return index


def save(path: Path, index: CandidateIndex) -> bool:
    """Write atomically; False (and no file) when the folder is not writable: the cache is optional."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((_MAGIC, code_version(), index), fh, protocol=5)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
