"""Store: the SQLite archive. All SQL of the project lives in this package."""

from aggregator.store.archive import (
    ArticleHistory,
    ChangeEvent,
    CheckCounts,
    FeedStory,
    MonitoredArticle,
    PollTarget,
    RelatedLink,
    SaveCounts,
    ScheduleState,
    Store,
    StoredArticle,
)
from aggregator.store.monitor import ArticleEvent, StoredVersion

__all__ = [
    "ArticleEvent",
    "ArticleHistory",
    "ChangeEvent",
    "CheckCounts",
    "FeedStory",
    "MonitoredArticle",
    "PollTarget",
    "RelatedLink",
    "SaveCounts",
    "ScheduleState",
    "Store",
    "StoredArticle",
    "StoredVersion",
]
