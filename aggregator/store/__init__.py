"""Store: the SQLite archive. All SQL of the project lives in this package."""
