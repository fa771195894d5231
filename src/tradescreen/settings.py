"""Every setting tradescreen reads, in one place, from the environment.

Settings are read into an immutable object and passed down, never kept as module globals,
so tests, the future HTTP API and batch jobs can run with different homes side by side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    #: Data directory: the release database, downloads and index caches (TRADESCREEN_HOME).
    home: Path
    #: SQLAlchemy URL of the release store (TRADESCREEN_DATABASE_URL); SQLite under `home` by default.
    database_url: str
    #: A new release with fewer entities than this share of the active one is held back as suspicious
    #: (TRADESCREEN_MIN_RELEASE_RATIO).
    min_release_ratio: float
    #: Seconds before a list download gives up on a silent server (TRADESCREEN_HTTP_TIMEOUT).
    http_timeout: float
    #: Download attempts per file (TRADESCREEN_HTTP_RETRIES).
    http_retries: int
    #: Largest list file accepted from a publisher, in bytes (TRADESCREEN_MAX_DOWNLOAD_BYTES).
    max_download_bytes: int
    #: Base URL of an internal copy of the publishers' files, `<mirror>/<source>/<file>` (TRADESCREEN_MIRROR).
    mirror: str | None
    #: Reference data folder: HS nomenclature, UN/LOCODE, country codes (TRADESCREEN_REFERENCE_DIR).
    reference_dir: Path | None
    #: Party match score from which a hit is shown for review (TRADESCREEN_MATCH_REVIEW).
    match_review: float
    #: Party match score from which a hit blocks the shipment (TRADESCREEN_MATCH_BLOCK).
    match_block: float

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def downloads_dir(self) -> Path:
        return self.home / "downloads"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    home = Path(env.get("TRADESCREEN_HOME") or Path.home() / ".tradescreen").expanduser()
    url = env.get("TRADESCREEN_DATABASE_URL") or f"sqlite:///{home / 'tradescreen.sqlite'}"
    return Settings(
        home=home,
        database_url=url,
        min_release_ratio=float(env.get("TRADESCREEN_MIN_RELEASE_RATIO", "0.5")),
        http_timeout=float(env.get("TRADESCREEN_HTTP_TIMEOUT", "60")),
        http_retries=int(env.get("TRADESCREEN_HTTP_RETRIES", "3")),
        max_download_bytes=int(env.get("TRADESCREEN_MAX_DOWNLOAD_BYTES", str(500 * 1024 * 1024))),
        mirror=env.get("TRADESCREEN_MIRROR") or None,
        reference_dir=Path(env["TRADESCREEN_REFERENCE_DIR"]).expanduser() if env.get("TRADESCREEN_REFERENCE_DIR")
        else None,
        match_review=float(env.get("TRADESCREEN_MATCH_REVIEW", "0.7")),
        match_block=float(env.get("TRADESCREEN_MATCH_BLOCK", "0.9")),
    )
