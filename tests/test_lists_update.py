"""`lists update` against a local HTTP server on 127.0.0.1 standing in for the publishers."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import LISTS
from helpers_cli import run

from tradescreen.download import source_downloads


@contextmanager
def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _mirror(tmp_path: Path, source: str, files: dict[str, Path]) -> Path:
    root = tmp_path / "mirror"
    for download in source_downloads(source):
        (root / source).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(files[download.filename.lower()], root / source / download.filename)
    return root


def _static_handler(root: Path) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    return Handler


def _cutting_handler(root: Path) -> type[http.server.BaseHTTPRequestHandler]:
    """Announces the whole file, sends half of it, and hangs up."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = (root / self.path.lstrip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    return Handler


def _error_page_handler() -> type[http.server.BaseHTTPRequestHandler]:
    """A publisher's maintenance page, served with status 200."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ("<html><body><h1>Service temporarily unavailable</h1>" + "<p>Try later.</p>" * 80000
                    + "</body></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    return Handler


@pytest.fixture()
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESCREEN_HTTP_RETRIES", "2")
    monkeypatch.setenv("TRADESCREEN_HTTP_TIMEOUT", "10")


def _status() -> dict[str, dict]:
    return {s["source"]: s for s in json.loads(run("lists", "status", "--json")[1])["sources"]}


UN_FILES = {"consolidated.xml": LISTS / "un" / "consolidated.xml"}
SDN_FILES = {name: LISTS / "ofac" / name for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")}


def test_update_downloads_and_activates(home: Path, tmp_path: Path, fast_retries: None) -> None:
    root = _mirror(tmp_path, "un_sc_sanctions", UN_FILES)
    with serve(_static_handler(root)) as url:
        code, _out, err = run("lists", "update", "un_sc_sanctions", "--mirror", url)
    assert code == 0, err
    status = _status()["un_sc_sanctions"]
    assert status["entities"] == 1003
    assert status["origin"].startswith(url)


def test_update_of_multi_file_ofac_set(home: Path, tmp_path: Path, fast_retries: None) -> None:
    root = _mirror(tmp_path, "us_ofac_sdn", SDN_FILES)
    with serve(_static_handler(root)) as url:
        code, _out, err = run("lists", "update", "us_ofac_sdn", "--mirror", url)
    assert code == 0, err
    assert _status()["us_ofac_sdn"]["entities"] == 14965


def test_transfer_cut_mid_way_keeps_last_good_release(home: Path, tmp_path: Path, fast_retries: None) -> None:
    root = _mirror(tmp_path, "un_sc_sanctions", UN_FILES)
    with serve(_static_handler(root)) as url:
        assert run("lists", "update", "un_sc_sanctions", "--mirror", url)[0] == 0
    good = _status()["un_sc_sanctions"]["release"]
    with serve(_cutting_handler(root)) as url:
        code, _out, err = run("lists", "update", "un_sc_sanctions", "--mirror", url)
    assert code == 1
    assert "FAILED" in err and f"stays {good}" in err
    assert _status()["un_sc_sanctions"]["release"] == good
    history = json.loads(run("lists", "releases", "un_sc_sanctions", "--json")[1])
    assert [r["status"] for r in history] == ["active", "failed"]


def test_error_page_is_not_taken_for_a_list(home: Path, tmp_path: Path, fast_retries: None) -> None:
    with serve(_error_page_handler()) as url:
        code, _out, err = run("lists", "update", "un_sc_sanctions", "--mirror", url)
    assert code == 1
    assert "not the list" in err
    assert _status() == {}
