"""Store: the SQLite archive. All SQL of the project lives in this package."""

from aggregator.store.archive import SaveCounts, Store, StoredArticle

__all__ = ["SaveCounts", "Store", "StoredArticle"]
