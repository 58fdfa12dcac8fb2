"""Store: the SQLite archive. All SQL of the project lives in this package."""

from aggregator.store.archive import SaveCounts, ScheduleState, Store, StoredArticle

__all__ = ["SaveCounts", "ScheduleState", "Store", "StoredArticle"]
