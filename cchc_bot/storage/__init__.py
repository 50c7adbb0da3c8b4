"""Storage: the database (SQLite or PostgreSQL), its migrations and the repositories.

The only package that imports SQLAlchemy and Alembic; everything above it sees
:class:`Database`, :class:`Repository`, :class:`HotlineRepository`, :class:`ReportQueries`,
frozen records and the errors below.
"""

from cchc_bot.storage.broadcast_repo import (
    NoticeConflict,
    NoticeEventRecord,
    NoticeNotFound,
    NoticeRecord,
    NoticeRepository,
)
from cchc_bot.storage.channel_repo import ChannelRepository, StoredUpdate
from cchc_bot.storage.db import Database, mask_password
from cchc_bot.storage.delivery_repo import (
    ClaimedDelivery,
    DeliveryCounts,
    DeliveryRepository,
    DeliveryResult,
)
from cchc_bot.storage.errors import (
    DatabaseUnavailable,
    SchemaOutOfDate,
    StorageError,
    TicketNotFound,
    TicketStateConflict,
)
from cchc_bot.storage.feedback_repo import FeedbackRepository
from cchc_bot.storage.hotline_records import (
    OUTBOX_STATUSES,
    SURVEY_CRITERIA,
    TICKET_CHANGE_KEYS,
    AuditRecord,
    NewOutbox,
    NewRating,
    NoteRecord,
    OutboxRecord,
    OutboxStatus,
    RatingRecord,
    SurveyRecord,
)
from cchc_bot.storage.hotline_repo import OPEN_STATUSES, HotlineRepository
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
from cchc_bot.storage.report_queries import (
    CriterionScore,
    EntryCount,
    EntryRating,
    MessageCount,
    Period,
    PeriodFigures,
    ReportQueries,
    TicketFigures,
)
from cchc_bot.storage.repository import Repository, ticket_number, vietnam_tz
from cchc_bot.storage.subscription_repo import SubscriptionRecord, SubscriptionRepository
from cchc_bot.storage.zalo_repo import (
    ContactRecord,
    HeldMessage,
    OaToken,
    TokenGrant,
    ZaloRepository,
)

__all__ = [
    "OPEN_STATUSES",
    "OUTBOX_STATUSES",
    "SURVEY_CRITERIA",
    "TICKET_CHANGE_KEYS",
    "TICKET_KINDS",
    "TICKET_STATUSES",
    "AuditRecord",
    "Candidate",
    "ChannelRepository",
    "ChatState",
    "ClaimedDelivery",
    "ContactRecord",
    "CriterionScore",
    "Database",
    "DatabaseUnavailable",
    "DeliveryCounts",
    "DeliveryRepository",
    "DeliveryResult",
    "EntryCount",
    "EntryRating",
    "FeedbackRepository",
    "HeldMessage",
    "HotlineRepository",
    "MessageCount",
    "MessageRecord",
    "NewMessage",
    "NewOutbox",
    "NewRating",
    "NewTicket",
    "NoteRecord",
    "NoticeConflict",
    "NoticeEventRecord",
    "NoticeNotFound",
    "NoticeRecord",
    "NoticeRepository",
    "OaToken",
    "OutboxRecord",
    "OutboxStatus",
    "Period",
    "PeriodFigures",
    "RatingRecord",
    "ReportQueries",
    "Repository",
    "SchemaOutOfDate",
    "StorageError",
    "StoredUpdate",
    "SubscriptionRecord",
    "SubscriptionRepository",
    "SurveyRecord",
    "TicketFigures",
    "TicketKind",
    "TicketNotFound",
    "TicketRecord",
    "TicketStateConflict",
    "TicketStatus",
    "TokenGrant",
    "UserRecord",
    "ZaloRepository",
    "mask_password",
    "ticket_number",
    "vietnam_tz",
]
