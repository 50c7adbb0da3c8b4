"""The few errors the storage layer raises; callers never see SQLAlchemy exceptions."""

from __future__ import annotations

from cchc_bot import storage_texts as texts


class StorageError(Exception):
    """A database operation failed (constraint violation, unexpected database error …)."""


class SchemaOutOfDate(StorageError):
    """The database schema is not at the migration head: run `cchc-bot db upgrade`."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached or opened (server down, bad path, wrong password …)."""


class TicketNotFound(StorageError):
    """No ticket has this number."""

    def __init__(self, number: str) -> None:
        super().__init__(texts.TICKET_NOT_FOUND.format(number=number))
        self.number = number


class TicketStateConflict(StorageError):
    """The ticket's status is not one the change expected (someone else changed it first)."""

    def __init__(self, number: str, current_status: str, expected: tuple[str, ...]) -> None:
        super().__init__(
            texts.TICKET_STATE_CONFLICT.format(
                number=number, status=current_status, expected=", ".join(expected)
            )
        )
        self.number = number
        self.current_status = current_status
        self.expected = expected
