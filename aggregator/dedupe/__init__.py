"""Dedupe: one story per article, however many sites carry it (issue #5).

The path of one new article, in the order the code follows it::

    body text -> text.normalize_text -> fingerprint.fingerprint (MinHash of the whole text
      and of its opening) -> store.reposts.RepostIndex.candidates (LSH bands in SQLite)
      -> match.find_matches (exact containment on the normalized text: repost / excerpt,
         never a digest or a templated notice) -> stories.assign_story (join, merge, or a
         new story) -> stories.choose_canonical

All of it is pure: plain values in, frozen decisions out. The SQLite side (the LSH
index, filing articles into stories) is `aggregator.store.reposts` and
`aggregator.store.stories`.
"""
