"""The few errors the storage layer raises; callers never see SQLAlchemy exceptions."""

from __future__ import annotations


class StorageError(Exception):
    """A database operation failed (constraint violation, unexpected database error …)."""


class SchemaOutOfDate(StorageError):
    """The database schema is not at the migration head: run `cchc-bot db upgrade`."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached or opened (server down, bad path, wrong password …)."""


class TicketNotFound(StorageError):
    """No ticket has this number."""

    def __init__(self, number: str) -> None:
        super().__init__(f"Không có phiếu {number} / no ticket {number}")
        self.number = number


class TicketStateConflict(StorageError):
    """The ticket's status is not one the change expected (someone else changed it first)."""

    def __init__(self, number: str, current_status: str, expected: tuple[str, ...]) -> None:
        super().__init__(
            f"Phiếu {number} đang ở trạng thái {current_status!r} (cần: {', '.join(expected)}) / "
            f"ticket {number} is {current_status!r}, expected one of {', '.join(expected)}"
        )
        self.number = number
        self.current_status = current_status
        self.expected = expected
