"""Fetch list files from their official publishers, safely.

Publishers' servers time out, truncate transfers and serve HTML error pages with status 200.
Every file is therefore fetched with a timeout and retries, checked for completeness (the
announced length, a minimum plausible size, the size cap) and recognised by content before it
is imported; a source whose download fails keeps its last good release active. Firms that
screen from an isolated network can point `TRADESCREEN_MIRROR` at an internal copy laid out
as `<mirror>/<source>/<filename>`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tradescreen.settings import Settings
from tradescreen.sources import Download, NotAList, all_formats, detect
from tradescreen.store import utcnow


class DownloadError(RuntimeError):
    """A list file could not be fetched completely; the message says what went wrong."""


@dataclass(frozen=True, slots=True)
class Fetched:
    source: str
    url: str
    path: Path
    size: int


def source_downloads(source: str) -> tuple[Download, ...]:
    for fmt in all_formats():
        if source in fmt.downloads:
            return fmt.downloads[source]
    return ()


def downloadable_sources() -> list[str]:
    return sorted({source for fmt in all_formats() for source in fmt.downloads})


def resolve_url(download: Download, source: str, mirror: str | None) -> str:
    if mirror:
        return f"{mirror.rstrip('/')}/{source}/{download.filename}"
    return download.url


def fetch_file(client: httpx.Client, url: str, target: Path, settings: Settings, min_bytes: int) -> int:
    """Stream one file to disk with retries; raises DownloadError after the last attempt."""
    last_error = "no attempt made"
    for attempt in range(1, max(1, settings.http_retries) + 1):
        partial = target.with_suffix(target.suffix + ".part")
        try:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise DownloadError(f"HTTP {response.status_code}")
                expected = response.headers.get("content-length")
                size = 0
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(64 * 1024):
                        size += len(chunk)
                        if size > settings.max_download_bytes:
                            raise DownloadError(f"larger than the {settings.max_download_bytes} byte limit")
                        out.write(chunk)
                if expected is not None and response.headers.get("content-encoding") in (None, "identity"):
                    if int(expected) != size:
                        raise DownloadError(f"transfer cut short: {size} of {expected} bytes")
                if size < min_bytes:
                    raise DownloadError(f"only {size} bytes, expected at least {min_bytes}: not a complete list")
            partial.replace(target)
            return size
        except (httpx.HTTPError, DownloadError, OSError) as exc:
            last_error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, DownloadError) else str(exc)
            partial.unlink(missing_ok=True)
            if attempt < settings.http_retries:
                time.sleep(min(2 ** (attempt - 1) * 0.5, 5.0))
    raise DownloadError(f"{url}: {last_error} (after {settings.http_retries} attempts)")


def download_source(source: str, settings: Settings, mirror: str | None = None) -> list[Fetched]:
    """Download every file of one source into a fresh folder; all files or none."""
    downloads = source_downloads(source)
    if not downloads:
        raise DownloadError(f"{source}: no download address is known for this source")
    mirror = mirror if mirror is not None else settings.mirror
    stamp = utcnow().replace(":", "").replace("-", "")
    folder = settings.downloads_dir / source / stamp
    folder.mkdir(parents=True, exist_ok=True)
    fetched: list[Fetched] = []
    headers = {"User-Agent": "tradescreen (+https://github.com/tradescreen) list update"}
    with httpx.Client(timeout=settings.http_timeout, follow_redirects=True, headers=headers) as client:
        for download in downloads:
            url = resolve_url(download, source, mirror)
            target = folder / download.filename
            size = fetch_file(client, url, target, settings, download.min_bytes)
            try:
                _fmt, found, _part = detect(target)
            except NotAList as exc:
                raise DownloadError(f"{url}: the publisher sent something that is not the list ({exc})") from exc
            if found != source and not (_fmt.key == "ftm_json"):
                raise DownloadError(f"{url}: expected a {source} file, got {found}")
            fetched.append(Fetched(source, url, target, size))
    return fetched
