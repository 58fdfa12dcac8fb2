"""The change monitor: stored articles fetched again to find edits, take-downs and moves.

One source poll ends with the rechecks of that source's articles (see `recheck`):

    articles due (oldest due first, at most `[monitor] budget`) -> conditional GET of each
      -> what the answer says (present / gone / no answer: `decide.answer_of`)
      -> availability (missing, removed once confirmed, restored: `decide.availability`)
      -> a permanent redirect to the same article is a move (`decide.same_article`)
      -> the page normalized and compared with the stored version (page-origin articles)
      -> store: a version and an event per edit, take-down, return or move -> next check

The decisions (`decide`, `plan`, `watch`, `diffs`) are pure; `recheck` does the I/O.
"""
