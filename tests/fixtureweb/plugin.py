"""The ``fixture_web`` pytest fixture: a fresh fixture web for each test that asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtureweb.web import FixtureWeb


@pytest.fixture
def fixture_web() -> Iterator[FixtureWeb]:
    """Six loopback sites with fresh state; stopped after the test."""
    with FixtureWeb() as web:
        yield web
