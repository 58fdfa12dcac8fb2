"""Shared pytest fixtures. (`tests/` is on sys.path under pytest's default import mode.)"""

from fixtureweb.plugin import fixture_web

__all__ = ["fixture_web"]
