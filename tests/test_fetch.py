"""The fetcher against a real loopback server: validators, retries, limits, redirects."""

from __future__ import annotations

import gzip
import itertools
import time
from dataclasses import replace

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
            assert result.error == "body larger than 0.00390625 MiB, abandoned"
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
