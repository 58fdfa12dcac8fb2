"""aggregator: one deduplicated Atom feed and a queryable archive of provincial news.

The update path, in the order the code follows it::

    sources due -> fetch (conditional GET) -> discover entries / article links
      -> normalize each page -> decide new / changed / unchanged -> store -> publish
"""

__version__ = "0.1.0"
