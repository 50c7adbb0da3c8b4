"""Storage: the database (SQLite or PostgreSQL), its migrations and the repository.

The only package that imports SQLAlchemy and Alembic; everything above it sees
:class:`Database`, :class:`Repository`, frozen records and the errors below.
"""

from cchc_bot.storage.db import Database, mask_password
from cchc_bot.storage.errors import DatabaseUnavailable, SchemaOutOfDate, StorageError
from cchc_bot.storage.records import (
    TICKET_KINDS,
    TICKET_STATUSES,
    Candidate,
    ChatState,
    MessageRecord,
    NewMessage,
    NewTicket,
    TicketKind,
    TicketRecord,
    TicketStatus,
    UserRecord,
)
from cchc_bot.storage.repository import Repository, ticket_number, vietnam_tz

__all__ = [
    "TICKET_KINDS",
    "TICKET_STATUSES",
    "Candidate",
    "ChatState",
    "Database",
    "DatabaseUnavailable",
    "MessageRecord",
    "NewMessage",
    "NewTicket",
    "Repository",
    "SchemaOutOfDate",
    "StorageError",
    "TicketKind",
    "TicketRecord",
    "TicketStatus",
    "UserRecord",
    "mask_password",
    "ticket_number",
    "vietnam_tz",
]
