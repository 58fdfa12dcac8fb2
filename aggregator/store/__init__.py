"""Store: the SQLite archive. All SQL of the project lives in this package."""

from aggregator.store.archive import (
    FeedStory,
    RelatedLink,
    SaveCounts,
    ScheduleState,
    Store,
    StoredArticle,
)

__all__ = ["FeedStory", "RelatedLink", "SaveCounts", "ScheduleState", "Store", "StoredArticle"]
