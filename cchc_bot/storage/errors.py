"""The few errors the storage layer raises; callers never see SQLAlchemy exceptions."""

from __future__ import annotations


class StorageError(Exception):
    """A database operation failed (constraint violation, unexpected database error …)."""


class SchemaOutOfDate(StorageError):
    """The database schema is not at the migration head: run `cchc-bot db upgrade`."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached or opened (server down, bad path, wrong password …)."""
