"""The test-side Atom validator itself must catch what it claims to catch."""

from __future__ import annotations

import pytest

from atom_validator import validate_atom

GOOD = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:example.org,2026:feed</id>
  <title>t</title>
  <updated>2023-02-14T10:21:00+08:00</updated>
  <link rel="self" href="http://example.org/feed.atom"/>
  <entry>
    <id>urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427</id>
    <title>e</title>
    <updated>2023-02-14T10:21:00+08:00</updated>
    <author><name>a</name></author>
    <link href="http://example.org/1"/>
    <content type="html">&lt;p&gt;&lt;a href="http://example.org/x"&gt;x&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_a_good_feed_passes() -> None:
    assert validate_atom(GOOD.encode()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("<title>t</title>", ""), "Expecting an element title"),
        (("<author><name>a</name></author>", ""), "no author"),
        (('<link rel="self" href="http://example.org/feed.atom"/>', ""), "rel=self"),
        (
            (
                "2023-02-14T10:21:00+08:00</updated>\n    <author>",
                "2023-02-14T10:21:00</updated>\n    <author>",
            ),
            "not an RFC 3339 date-time with a time zone",
        ),
        (("urn:uuid:1b4e28ba", "urn:uuid:1B4E28BA"), "canonical uuid URN"),
        (("tag:example.org", "tag:Example.org"), "not a valid tag URI"),
        (('href="http://example.org/x"', 'href="/x"'), "relative reference"),
        (("&lt;p&gt;", "&lt;p onclick=&quot;x()&quot;&gt;"), "unsafe attribute onclick"),
        (("&lt;/p&gt;", "&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;"), "unsafe element <script>"),
        (
            (
                '<link href="http://example.org/1"/>',
                '<link rel="buddy" href="http://example.org/1"/>',
            ),
            "unregistered link relation",
        ),
        (
            (
                '<link href="http://example.org/1"/>',
                '<link href="http://example.org/1"/><link href="http://example.org/2"/>',
            ),
            "two alternate links",
        ),
    ],
)
def test_problems_are_caught(change: tuple[str, str], problem: str) -> None:
    old, new = change
    assert old in GOOD
    problems = validate_atom(GOOD.replace(old, new, 1).encode())
    assert any(problem in found for found in problems), problems


def test_duplicate_entry_ids_are_caught() -> None:
    start = GOOD.index("  <entry>")
    end = GOOD.index("</feed>")
    doubled = GOOD[:end] + GOOD[start:end] + "</feed>"
    assert any("duplicate id" in problem for problem in validate_atom(doubled.encode()))
