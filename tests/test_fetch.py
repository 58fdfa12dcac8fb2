"""The fetcher against a real loopback server: validators, retries, limits, redirects."""

from __future__ import annotations

import gzip
import itertools
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.config import FetchConfig
from aggregator.fetch import Fetcher, Validators

FAST = FetchConfig(timeout=1.0, connect_timeout=1.0, retries=2, backoff=0.01, delay=0.0)


@pytest.fixture
def fetcher() -> Fetcher:
    with Fetcher(FAST) as fetcher:
        yield fetcher


def test_etag_makes_the_second_fetch_conditional(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(b"<rss/>", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = fetcher.fetch(httpserver.url_for("/feed"))
    assert first.ok and first.content == b"<rss/>"
    assert first.validators == Validators(etag='"v1"')
    second = fetcher.fetch(httpserver.url_for("/feed"), first.validators)
    assert second.not_modified and second.content == b""
    assert httpserver.log[1][0].headers["If-None-Match"] == '"v1"'


def test_last_modified_makes_the_second_fetch_conditional(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    stamp = "Tue, 14 Feb 2023 02:21:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response(b"<rss/>", headers={"Last-Modified": stamp})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = fetcher.fetch(httpserver.url_for("/feed"))
    assert first.validators.last_modified == stamp
    assert fetcher.fetch(httpserver.url_for("/feed"), first.validators).not_modified


def test_5xx_is_retried_with_backoff_then_succeeds(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    answers = iter([Response(status=503), Response(status=502), Response(b"ok")])
    httpserver.expect_request("/flaky").respond_with_handler(lambda _request: next(answers))
    result = fetcher.fetch(httpserver.url_for("/flaky"))
    assert result.ok and result.content == b"ok"
    assert result.attempts == 3


def test_5xx_gives_up_after_the_retries(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/down").respond_with_data("no", status=500)
    result = fetcher.fetch(httpserver.url_for("/down"))
    assert not result.ok
    assert result.error == "HTTP 500 INTERNAL SERVER ERROR"
    assert result.attempts == 3 and len(httpserver.log) == 3


def test_4xx_is_not_retried(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    result = fetcher.fetch(httpserver.url_for("/gone"))
    assert result.status == 404 and result.error.startswith("HTTP 404")
    assert result.attempts == 1 and len(httpserver.log) == 1


def test_429_reports_retry_after(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    result = fetcher.fetch(httpserver.url_for("/busy"))
    assert result.status == 429 and result.retry_after == 120
    assert result.attempts == 1


def test_connection_refused_is_one_line(fetcher: Fetcher) -> None:
    result = fetcher.fetch("http://127.0.0.1:9/feed")
    assert result.error == "connection refused"
    assert result.attempts == 3


def test_slow_server_times_out_without_retry(threaded_server: HTTPServer) -> None:
    def slow(_request: Request) -> Response:
        time.sleep(1.5)
        return Response(b"late")

    threaded_server.expect_request("/slow").respond_with_handler(slow)
    with Fetcher(replace(FAST, timeout=0.5)) as fetcher:
        result = fetcher.fetch(threaded_server.url_for("/slow"))
    assert result.error == "timed out after 0.5s"
    assert result.attempts == 1


def test_oversized_body_is_abandoned(httpserver: HTTPServer) -> None:
    def streamed(_request: Request) -> Response:
        # No Content-Length: the limit must hold while streaming.
        return Response((b"x" * 1024 for _ in range(64)), direct_passthrough=True)

    httpserver.expect_request("/huge").respond_with_handler(streamed)
    httpserver.expect_request("/declared").respond_with_data(b"y" * 5000)
    with Fetcher(replace(FAST, max_bytes=4096)) as fetcher:
        for path in ("/huge", "/declared"):
            result = fetcher.fetch(httpserver.url_for(path))
            assert result.error == "body larger than 4 KiB, abandoned"
            assert result.attempts == 1


def test_gzip_is_asked_for_and_decoded(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    body = "<rss>甘肃</rss>".encode()
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(body), headers={"Content-Encoding": "gzip"}
    )
    result = fetcher.fetch(httpserver.url_for("/gz"))
    assert result.content == body
    request = httpserver.log[0][0]
    assert "gzip" in request.headers["Accept-Encoding"]
    assert request.headers["User-Agent"].startswith("aggregator/")


def test_permanent_redirect_reports_the_new_url(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/temp").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("here")
    moved = fetcher.fetch(httpserver.url_for("/old"))
    assert moved.ok and moved.moved_to == httpserver.url_for("/new")
    assert fetcher.fetch(httpserver.url_for("/temp")).moved_to is None


def test_redirect_loop_stops_after_five(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    result = fetcher.fetch(httpserver.url_for("/a"))
    assert result.error == "too many redirects (more than 5)"
    assert result.attempts == 1
    assert len(httpserver.log) == 6


def test_requests_to_one_host_keep_their_distance(httpserver: HTTPServer) -> None:
    arrivals: list[float] = []

    def note(_request: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response(b"x")

    httpserver.expect_request("/x").respond_with_handler(note)
    with Fetcher(replace(FAST, delay=0.3, per_host=1)) as fetcher:
        for _ in range(3):
            fetcher.fetch(httpserver.url_for("/x"))
    assert len(arrivals) == 3
    assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(arrivals))


class _KeepAliveFeed(BaseHTTPRequestHandler):
    """A feed with an ETag, on HTTP/1.1 keep-alive (werkzeug's server closes every
    connection); notes the client port of each request."""

    protocol_version = "HTTP/1.1"
    ports: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        self.ports.append(self.client_address[1])
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", "6")
        self.end_headers()
        self.wfile.write(b"<rss/>")

    def log_message(self, *args: object) -> None:
        pass


def test_connection_is_reused_after_a_304() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveFeed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed"
    try:
        with Fetcher(FAST) as fetcher:
            first = fetcher.fetch(url)
            for _ in range(2):
                assert fetcher.fetch(url, first.validators).not_modified
    finally:
        server.shutdown()
        server.server_close()
    assert len(_KeepAliveFeed.ports) == 3 and len(set(_KeepAliveFeed.ports)) == 1


def test_form_is_posted_and_a_303_turns_it_into_a_get(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/search", method="POST").respond_with_data(
        "", status=303, headers={"Location": "/results?page=2"}
    )
    httpserver.expect_request("/results", method="GET").respond_with_data("page 2")
    result = fetcher.fetch(httpserver.url_for("/search"), method="POST", data={"page": "2"})
    assert result.ok and result.content == b"page 2"
    assert result.final_url == httpserver.url_for("/results?page=2")
    posted = httpserver.log[0][0]
    assert posted.form["page"] == "2"
    assert posted.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_conditional_headers_follow_a_redirect(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=308, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("", status=304)
    result = fetcher.fetch(httpserver.url_for("/old"), Validators(etag='"v1"'))
    assert result.not_modified and result.moved_to == httpserver.url_for("/new")
    assert httpserver.log[1][0].headers["If-None-Match"] == '"v1"'


def test_proxy_from_the_environment_is_used(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/feed").respond_with_data("via proxy")
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with Fetcher(FAST) as fetcher:
        result = fetcher.fetch("http://feeds.example.invalid/feed")
    assert result.ok and result.content == b"via proxy"
    assert httpserver.log[0][0].host == "feeds.example.invalid"


def test_unsupported_scheme_is_one_line(fetcher: Fetcher) -> None:
    result = fetcher.fetch("ftp://example.org/feed.xml")
    assert result.error.startswith("unsupported URL:")
    assert result.attempts == 1
