"""Shared pieces of the broadcast tests: an in-memory `Sender`, a notice folder, a runtime."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cchc_bot.broadcast import RecipientGone, Rejected, RetryLater, Transient
from cchc_bot.broadcast_journal import new_owner
from cchc_bot.broadcast_notices import NoticeService
from cchc_bot.broadcast_progress import RunResult
from cchc_bot.broadcast_sending import Broadcaster
from cchc_bot.storage import (
    Database,
    DeliveryRepository,
    NoticeRepository,
    SubscriptionRepository,
)

NOTICE_YAML = """\
year: 2027
plan: "Kế hoạch 1/KH-SGDĐT"
notices:
  - id: cchc-2027-01
    month: 1
    day: 15
    time: "08:00"
    topics: [cchc]
    title: "Cải cách hành chính năm 2027"
    text: |
      CẢI CÁCH HÀNH CHÍNH NĂM 2027

      Nội dung bản tin tháng Một.
  - id: thi-cu-2027-06
    month: 6
    day: last
    time: "07:30"
    topics: [thi-cu, van-bang]
    title: "Mùa thi"
    text: Phúc khảo và bản sao văn bằng.
    links:
      - {title: "Cổng dịch vụ công", url: "https://dichvucong.gov.vn"}
"""


def notice_folder(root: Path, body: str = NOTICE_YAML) -> Path:
    (root / "notices").mkdir(parents=True, exist_ok=True)
    (root / "notices" / "2027.yaml").write_text(body, encoding="utf-8")
    return root


@dataclass
class MemorySender:
    """Records every part; `script[chat]` lists what each attempt does (None = deliver)."""

    channel: str = "telegram"
    limit: int = 4000
    delivered: list[tuple[str, str]] = field(default_factory=list)
    script: dict[str, list[Exception | None]] = field(default_factory=dict)
    skip: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    on_send: Callable[[str], None] | None = None

    def parts(self, text: str) -> list[str]:
        return [text[i : i + self.limit] for i in range(0, len(text), self.limit)] or [""]

    async def send(self, chat_id: str, text: str, on_wire: Callable[[], None]) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        plan = self.script.get(chat_id)
        outcome = plan.pop(0) if plan else None
        if isinstance(outcome, RetryLater | RecipientGone | Rejected | Transient):
            raise outcome
        on_wire()
        if outcome is not None:
            raise outcome  # after the request left: the platform may have it
        self.delivered.append((chat_id, text))
        if self.on_send is not None:
            self.on_send(chat_id)

    async def admit(self, chat_ids: Sequence[str], parts: int) -> Mapping[str, str]:
        return {c: self.skip[c] for c in chat_ids if c in self.skip}

    async def close(self) -> None:
        return None


@dataclass
class Parts:
    database: Database
    subscriptions: SubscriptionRepository
    notices: NoticeRepository
    deliveries: DeliveryRepository
    service: NoticeService
    journal_dir: Path

    def broadcaster(self, senders: Mapping[str, object], rate: float = 0.0) -> Broadcaster:
        return Broadcaster(
            self.notices,
            self.deliveries,
            senders,  # type: ignore[arg-type]
            journal_dir=self.journal_dir,
            rates=dict.fromkeys(senders, rate),
            chat_rate=0,
            flush_every=0.02,
            backoff=0.01,
        )

    def ready(self, notice_id: str = "cchc-2027-01") -> None:
        """Notices synced from the files and this one approved."""
        self.service.sync()
        self.service.approve(notice_id, "Trưởng phòng")

    async def send(
        self, broadcaster: Broadcaster, notice_id: str = "cchc-2027-01", **kw: object
    ) -> RunResult:
        owner = new_owner()
        notice = self.notices.claim(notice_id, owner, broadcaster.lease)
        return await broadcaster.run(notice, owner, **kw)  # type: ignore[arg-type]


def parts_for(database: Database, root: Path, timezone: object) -> Parts:
    notices, deliveries = NoticeRepository(database), DeliveryRepository(database)
    service = NoticeService(notices, deliveries, root, timezone)  # type: ignore[arg-type]
    return Parts(
        database,
        SubscriptionRepository(database),
        notices,
        deliveries,
        service,
        root / "journal",
    )
