"""A loopback web of sites that behave like the real ones, for tests of the whole pipeline.

Sites (each its own server on 127.0.0.1, its own port, state in memory):

- ``trs``     TRS WCM provincial portal: GBK without a header charset, meta charset after
              1 KiB, script-only pager (``createPageHTML``), hit counter, ICP footer;
- ``hanweb``  Hanweb city portal: ``<datastore>`` records and a working data proxy;
- ``outlet``  UTF-8 news outlet with an RSS feed; ETag / Last-Modified / 304, gzip;
- ``repost``  English-language site reposting articles, laid out like the seed report;
- ``county``  county site whose Atom feed links to reposts (【转载】, 编者按, cut ending);
- ``broken``  500, 429 + Retry-After, redirect loop, 16 MiB pages, a lying charset, slow.

Use the ``fixture_web`` pytest fixture (fresh state per test) or ``with FixtureWeb() as
web:``. Every article has an expected record (`ExpectedArticle`): ``web.expected(id)``,
``web.expected_articles()``. Change state with ``site.edit_body / edit_title / delete /
restore / add_article``; read ``site.requests`` / ``site.requests_to(path)`` to see what
a client asked. See ``README.md`` in this folder.
"""

from fixtureweb.content import ExpectedArticle, FixtureArticle
from fixtureweb.server import LoggedRequest
from fixtureweb.web import FetchedResponse, FixtureWeb, fetch

__all__ = [
    "ExpectedArticle",
    "FetchedResponse",
    "FixtureArticle",
    "FixtureWeb",
    "LoggedRequest",
    "fetch",
]
