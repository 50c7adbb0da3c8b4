"""The public-information notices in `notices/*.yaml`: read, validate, and fingerprint.

One file per plan year: `{year, plan, notices: [{id, month, day, time, topics, title, text,
links}]}`. `day` is 1–28 or `last` (the last day of the month), `time` is "HH:MM" in the
agency's time zone. Every problem names `file:line [id]`, like the rest of the loader; a
notice's `content_hash` changes with any edit, which sends an approved notice back to draft.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node

from cchc_bot import kb_texts
from cchc_bot.knowledge.entries import ID_PATTERN, _read_links
from cchc_bot.knowledge.model import Link, Source
from cchc_bot.knowledge.problems import KnowledgeError, Problem, Problems
from cchc_bot.knowledge.yaml_nodes import Reader, is_null, line_of, read_yaml

NOTICES_FOLDER = "notices"
NOTICE_TOPICS: tuple[str, ...] = ("cchc", "dich-vu-cong", "tuyen-sinh", "thi-cu", "van-bang")
MAX_NOTICE_CHARS = 1800
FILE_KEYS = ("year", "plan", "notices")
NOTICE_KEYS = ("id", "month", "day", "time", "topics", "title", "text", "links")
NOTICE_REQUIRED = ("id", "month", "day", "time", "topics", "title", "text")
LAST_DAY = "last"
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Notice:
    """One notice as written; `day` is 1–28 or "last"; `year`/`month`/`day`/`time` plan it."""

    id: str
    title: str
    text: str
    topics: tuple[str, ...]
    links: tuple[Link, ...] = ()
    year: int | None = None
    month: int | None = None
    day: int | str | None = None
    time: str | None = None
    plan: str | None = None
    source: Source | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 of everything staff wrote (any edit changes it; the source line does not)."""
        data = {
            "title": self.title,
            "text": self.text,
            "topics": list(self.topics),
            "links": [[link.title, link.url] for link in self.links],
            "when": [self.year, self.month, self.day, self.time],
        }
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()

    def full_text(self) -> str:
        """What a subscriber reads: the text, then the links (plain text on every channel)."""
        lines = [self.text.strip()]
        if self.links:
            lines += ["", *(f"{link.title}: {link.url}" for link in self.links)]
        return "\n".join(lines)


@dataclass(frozen=True)
class NoticesReport:
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    notices: tuple[Notice, ...]


def check_notices(root: str | Path) -> NoticesReport:
    """Every notice file under `root/notices/`; `notices` is empty whenever there are errors."""
    problems = Problems()
    folder = Path(root) / NOTICES_FOLDER
    found: list[Notice] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            rel = f"{NOTICES_FOLDER}/{path.name}"
            if path.name.startswith(".") or path.suffix.lower() == ".md":
                continue
            if path.is_dir() or path.suffix.lower() not in _YAML_SUFFIXES:
                problems.warning(kb_texts.NOT_YAML, rel)
                continue
            node = read_yaml(path, rel, problems)
            if node is not None:
                found += _read_file(node, Reader(problems, rel))
    seen: dict[str, Notice] = {}
    for notice in found:
        first = seen.setdefault(notice.id, notice)
        if first is not notice and notice.source is not None:
            problems.error(
                kb_texts.DUPLICATE_NOTICE.format(other=first.source),
                notice.source.file,
                notice.source.line,
                notice.id,
            )
    errors = problems.errors
    return NoticesReport(errors, problems.warnings, () if errors else tuple(found))


def load_notices(root: str | Path) -> tuple[Notice, ...]:
    """The notices of a knowledge folder; KnowledgeError listing every error."""
    report = check_notices(root)
    if report.errors:
        raise KnowledgeError(report.errors)
    return report.notices


def _read_file(node: Node, r: Reader) -> list[Notice]:
    if is_null(node):
        return []
    fields = r.mapping(node, kb_texts.NOTICE_FILE, FILE_KEYS, required=("year", "notices"))
    if fields is None:
        return []
    year = _int(r, fields.get("year"), "'year'", 2000, 2100)
    plan = r.text(fields, "plan")
    items = r.sequence(fields.values["notices"], "'notices'") if "notices" in fields.values else []
    out: list[Notice] = []
    for item in items or ():
        notice = _read_notice(item, r, year, plan)
        if notice is not None:
            out.append(notice)
    return out


def _read_notice(node: Node, r: Reader, year: int | None, plan: str | None) -> Notice | None:
    fields = r.mapping(node, kb_texts.NOTICE, NOTICE_KEYS, required=NOTICE_REQUIRED)
    if fields is None:
        return None
    notice_id = r.text(fields, "id", required=True)
    er = r.for_entry(notice_id)
    if notice_id is not None and not ID_PATTERN.match(notice_id):
        er.error(fields.values["id"], kb_texts.BAD_NOTICE_ID.format(id=notice_id))
    month = _int(er, fields.get("month"), "'month'", 1, 12)
    day = _day(er, fields.get("day"))
    time = _time(er, fields.get("time"))
    topics = er.text_list(fields, "topics", required=True)
    for topic, item in zip(topics, _items(fields.get("topics")), strict=False):
        if topic not in NOTICE_TOPICS:
            er.error(
                item,
                kb_texts.UNKNOWN_NOTICE_TOPIC.format(topic=topic, topics=", ".join(NOTICE_TOPICS)),
            )
    title = er.text(fields, "title", required=True)
    text = er.text(fields, "text", required=True)
    if text is not None and len(text) > MAX_NOTICE_CHARS:
        er.error(
            fields.values["text"],
            kb_texts.NOTICE_TOO_LONG.format(length=len(text), limit=MAX_NOTICE_CHARS),
        )
    links = _read_links(er, fields)
    if None in (notice_id, title, text) or not topics:
        return None
    assert notice_id is not None and title is not None and text is not None
    return Notice(
        id=notice_id,
        title=title,
        text=text,
        topics=topics,
        links=links,
        year=year,
        month=month,
        day=day,
        time=time,
        plan=plan,
        source=Source(r.file, line_of(node)),
    )


def _items(node: Node | None) -> list[Node]:
    return list(getattr(node, "value", None) or []) if node is not None else []


def _int(r: Reader, node: Node | None, what: str, low: int, high: int) -> int | None:
    if node is None:
        return None
    text = r.scalar_text(node, what, required=True)
    if text is None:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        r.error(node, kb_texts.BAD_INTEGER.format(what=what, text=text, low=low, high=high))
        return None
    return int(text)


def _day(r: Reader, node: Node | None) -> int | str | None:
    if node is None:
        return None
    text = r.scalar_text(node, "'day'", required=True)
    if text is None:
        return None
    if text.lower() == LAST_DAY:
        return LAST_DAY
    if not text.isdigit() or not 1 <= int(text) <= 28:
        r.error(node, kb_texts.BAD_DAY.format(text=text))
        return None
    return int(text)


def _time(r: Reader, node: Node | None) -> str | None:
    if node is None:
        return None
    text = r.scalar_text(node, "'time'", required=True)
    if text is None:
        return None
    if not _TIME.match(text):
        r.error(node, kb_texts.BAD_TIME.format(text=text))
        return None
    return text
