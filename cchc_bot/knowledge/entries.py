"""Topic files under faq/ and procedures/: `{topic: …, entries: […]}` → Topic and Entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode

from cchc_bot import kb_texts
from cchc_bot.knowledge.model import (
    Entry,
    EntryKind,
    Link,
    Online,
    ProcedureFields,
    Source,
    Topic,
)
from cchc_bot.knowledge.yaml_nodes import Fields, Reader, is_null, line_of, url_problem

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^\d\.\d{6}$")

TOPIC_KEYS = ("topic", "entries")
_COMMON_KEYS = ("links", "tags", "see_also", "valid_from", "valid_until", "reviewed")
FAQ_KEYS = ("id", "questions", "answer", *_COMMON_KEYS)
PROCEDURE_KEYS = (
    "id",
    "questions",
    "code",
    "summary",
    "documents",
    "steps",
    "processing_time",
    "fee",
    "where",
    "result",
    "agency",
    "note",
    "online",
    "legal_basis",
    *_COMMON_KEYS,
)
ONLINE_KEYS = ("level", "url", "note")
LINK_KEYS = ("title", "url")
_ANSWER_FIELDS = ("summary", "documents", "steps", "where")


@dataclass(frozen=True)
class ParsedEntry:
    """An entry plus the lines the cross-entry checks need to point at."""

    entry: Entry
    key_lines: dict[str, int]
    question_lines: tuple[int, ...]
    see_also_lines: tuple[int, ...]


@dataclass
class TopicFile:
    """What one topic file yielded (the topic is None when its shape is wrong)."""

    topic: Topic | None = None
    entries: list[ParsedEntry] = field(default_factory=list)


def read_topic_file(root_node: Node, key: str, kind: EntryKind, reader: Reader) -> TopicFile:
    """Read one faq/ or procedures/ file; every problem goes to the reader's sink."""
    out = TopicFile()
    if is_null(root_node):
        reader.error(None, kb_texts.TOPIC_EMPTY)
        return out
    fields = reader.mapping(root_node, kb_texts.TOPIC_FILE, TOPIC_KEYS, required=TOPIC_KEYS)
    if fields is None:
        return out
    title = reader.text(fields, "topic", required=True)
    entries_node = fields.get("entries")
    items = None
    if entries_node is not None:
        items = [] if is_null(entries_node) else reader.sequence(entries_node, "'entries'")
    if items is not None and not items:
        reader.warning(entries_node, kb_texts.TOPIC_NO_ENTRIES)
    for item in items or ():
        parsed = read_entry(item, kind, key, reader)
        if parsed is not None:
            out.entries.append(parsed)
    if title is not None:
        ids = tuple(p.entry.id for p in out.entries)
        out.topic = Topic(key=key, title=title, kind=kind, entry_ids=ids)
    return out


def _peek_id(node: Node) -> str | None:
    """The entry's id as written, so that every problem of the entry can name it."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "id" and isinstance(value_node, ScalarNode):
                return str(value_node.value).strip() or None
    return None


def read_entry(node: Node, kind: EntryKind, topic: str, reader: Reader) -> ParsedEntry | None:
    """One entry; None when it has no usable id (its other problems are still reported)."""
    entry_reader = reader.for_entry(_peek_id(node))
    what = kb_texts.ENTRY_KINDS[kind]
    known = FAQ_KEYS if kind == "faq" else PROCEDURE_KEYS
    required = ("id", "questions", "answer") if kind == "faq" else ("id", "questions")
    fields = entry_reader.mapping(node, what, known, required)
    if fields is None:
        return None
    r = entry_reader
    entry_id = r.text(fields, "id", required=True)
    if entry_id is not None and not ID_PATTERN.match(entry_id):
        r.error(
            fields.values["id"],
            kb_texts.BAD_ENTRY_ID.format(id=entry_id),
        )
    questions = _text_items(r, fields, "questions", required=True)
    see_also = _text_items(r, fields, "see_also")
    answer = r.text(fields, "answer", required=True) if kind == "faq" else None
    procedure = _read_procedure(r, fields) if kind == "procedure" else None
    valid_from = r.date(fields, "valid_from")
    valid_until = r.date(fields, "valid_until")
    if valid_from and valid_until and valid_from > valid_until:
        r.error(
            fields.values["valid_until"],
            kb_texts.VALID_UNTIL_BEFORE_FROM.format(until=valid_until, since=valid_from),
        )
    links = _read_links(r, fields)
    tags = r.text_list(fields, "tags")
    reviewed = r.date(fields, "reviewed")
    if entry_id is None:
        return None
    entry = Entry(
        id=entry_id,
        kind=kind,
        topic=topic,
        questions=tuple(q for q, _ in questions),
        source=Source(r.file, line_of(node)),
        answer=answer,
        procedure=procedure,
        links=links,
        tags=tags,
        see_also=tuple(s for s, _ in see_also),
        valid_from=valid_from,
        valid_until=valid_until,
        reviewed=reviewed,
    )
    key_lines = {k: line_of(n) for k, n in fields.keys.items()}
    return ParsedEntry(
        entry, key_lines, tuple(n for _, n in questions), tuple(n for _, n in see_also)
    )


def _text_items(
    r: Reader, fields: Fields, key: str, *, required: bool = False
) -> list[tuple[str, int]]:
    """A list of texts with the line of each item."""
    node = fields.get(key)
    texts = r.text_list(fields, key, required=required)
    if node is None or not texts:
        return []
    lines = [
        line_of(item)
        for item in node.value
        if isinstance(item, ScalarNode) and not is_null(item) and str(item.value).strip()
    ]
    return list(zip(texts, lines, strict=True))


def _read_procedure(r: Reader, fields: Fields) -> ProcedureFields:
    code = r.text(fields, "code")
    if code is not None and not CODE_PATTERN.match(code):
        r.error(
            fields.values["code"],
            kb_texts.BAD_PROCEDURE_CODE.format(code=code),
        )
    proc = ProcedureFields(
        code=code,
        summary=r.text(fields, "summary"),
        documents=r.text_list(fields, "documents"),
        steps=r.text_list(fields, "steps"),
        processing_time=r.text(fields, "processing_time"),
        fee=r.text(fields, "fee"),
        where=r.text(fields, "where"),
        online=_read_online(r, fields),
        result=r.text(fields, "result"),
        legal_basis=r.text_list(fields, "legal_basis"),
        agency=r.text(fields, "agency"),
        note=r.text(fields, "note"),
    )
    if not any(getattr(proc, name) for name in _ANSWER_FIELDS):
        r.error(
            fields.node,
            kb_texts.PROCEDURE_NO_ANSWER.format(
                fields=", ".join(f"'{name}'" for name in _ANSWER_FIELDS)
            ),
        )
    return proc


def _read_online(r: Reader, fields: Fields) -> Online | None:
    node = fields.get("online")
    if node is None or is_null(node):
        return None
    online = r.mapping(node, "'online'", ONLINE_KEYS)
    if online is None:
        return None
    return Online(
        level=r.text(online, "level"),
        url=r.url(online, "url"),
        note=r.text(online, "note"),
    )


def _read_links(r: Reader, fields: Fields) -> tuple[Link, ...]:
    """Links as `- https://…` or `- {title: …, url: …}`; a bare URL is its own title."""
    node = fields.get("links")
    if node is None or is_null(node):
        return ()
    items = r.sequence(node, "'links'")
    links: list[Link] = []
    for item in items or ():
        if isinstance(item, ScalarNode):
            url = r.scalar_text(item, kb_texts.LINK, required=True)
            title = url
        else:
            link = r.mapping(item, kb_texts.LINK, LINK_KEYS, required=("url",))
            if link is None:
                continue
            url = r.text(link, "url", required=True)
            title = r.text(link, "title") or url
            item = link.values.get("url", item)
        if url is None or title is None:
            continue
        if why := url_problem(url):
            r.error(item, why)
        links.append(Link(title=title, url=url))
    return tuple(links)
