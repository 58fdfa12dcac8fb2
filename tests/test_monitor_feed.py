"""changes.atom: one validating entry per edit, take-down, return or move, rendered from the
archive; and an edited story's entry in the combined feed gets a new `updated`."""

from __future__ import annotations

from datetime import timedelta

import lxml.etree as etree
import lxml.html

from aggregator.config import Config
from aggregator.dates import utc_now
from aggregator.fetch import Fetcher
from aggregator.monitor.recheck import recheck_source
from aggregator.poll import poll_many
from aggregator.publish import CHANGES_FEED, COMBINED_FEED, publish_all
from aggregator.store import Store

from atom_validator import validate_atom
from fixtureweb import FixtureWeb

ATOM = "{http://www.w3.org/2005/Atom}"


def recheck_and_publish(config: Config, hours: float) -> None:
    with Store(config.storage.database) as store, Fetcher(config.fetch) as fetcher:
        when = utc_now() + timedelta(hours=hours)
        recheck_source(config.sources[0], store, fetcher, config.monitor, when)
        publish_all(config, store)


def publish(config: Config) -> None:
    with Store(config.storage.database) as store:
        publish_all(config, store)


def entries(config: Config, name: str) -> list[etree._Element]:
    document = (config.publish.directory / name).read_bytes()
    assert validate_atom(document) == []
    return etree.fromstring(document).findall(f"{ATOM}entry")


def by_id(config: Config, name: str) -> dict[str, etree._Element]:
    return {entry.findtext(f"{ATOM}id"): entry for entry in entries(config, name)}


def test_changes_feed_has_one_valid_entry_per_event(fixture_web: FixtureWeb, make_config) -> None:
    trs = fixture_web.trs
    config = make_config([{"name": "trs", "type": "html", "url": trs.url(trs.list_path())}])
    poll_many(config, config.sources)
    publish(config)
    assert entries(config, CHANGES_FEED) == []  # written, valid and empty before any change
    edited, gone, moved = (article.id for article in trs.listed()[:3])
    combined_before = by_id(config, COMBINED_FEED)

    title = trs.article(edited).title
    first = trs.article(edited).paragraphs[0]
    trs.edit_body(
        edited, [first.replace("。", "（更正）。", 1), *trs.article(edited).paragraphs[1:]]
    )
    trs.edit_title(edited, "<更正> " + title)
    trs.delete(gone)
    recheck_and_publish(config, hours=2)  # the edit, and a 404 not confirmed yet
    assert len(entries(config, CHANGES_FEED)) == 1
    recheck_and_publish(config, hours=2.5)  # the take-down confirmed
    trs.restore(gone)
    recheck_and_publish(config, hours=7)  # its return
    old_url = trs.expected(moved).url
    trs.move(moved, trs.article(moved).path.replace(".html", "_1.html"))
    recheck_and_publish(config, hours=25)  # a move

    changes = entries(config, CHANGES_FEED)
    titles = [entry.findtext(f"{ATOM}title") for entry in changes]
    assert titles == [  # newest first
        f"Moved: {trs.article(moved).title}",
        f"Restored: {trs.article(gone).title}",
        f"Removed: {trs.article(gone).title}",
        f"Edited (version 2): <更正> {title}",
    ]
    ids = [entry.findtext(f"{ATOM}id") for entry in changes]
    assert len(set(ids)) == 4 and all(i.startswith("urn:uuid:") for i in ids)
    links = [entry.find(f"{ATOM}link").get("href") for entry in changes]
    assert links == [trs.expected(i).url for i in (moved, gone, gone, edited)]
    texts = [entry.find(f"{ATOM}content").text for entry in changes]
    assert all(entry.find(f"{ATOM}content").get("type") == "html" for entry in changes)
    assert old_url in texts[0] and links[0] in texts[0]
    assert "HTTP 200" in texts[1] and "HTTP 404 Not Found" in texts[2]
    edit = lxml.html.fragment_fromstring(texts[3], create_parent="div")
    assert [element.text for element in edit.iter("del")] == [title]
    assert [element.text for element in edit.iter("ins")] == [f"<更正> {title}", "（更正）"]

    # Stable: published again, the same file; the same ids.
    before = (config.publish.directory / CHANGES_FEED).read_bytes()
    publish(config)
    assert (config.publish.directory / CHANGES_FEED).read_bytes() == before

    # The edited story's entry in the combined feed has a new `updated`.
    combined_after = by_id(config, COMBINED_FEED)
    changed = [
        entry_id
        for entry_id, entry in combined_after.items()
        if entry.findtext(f"{ATOM}updated") != combined_before[entry_id].findtext(f"{ATOM}updated")
    ]
    assert len(changed) == 1
    assert combined_after[changed[0]].findtext(f"{ATOM}title") == trs.article(edited).title
