"""Turning knowledge entries into the text a citizen reads (aspect first for procedures)."""

from __future__ import annotations

import re

from cchc_bot import texts
from cchc_bot.knowledge.model import ASPECTS, Agency, Entry, KnowledgeBase, ProcedureFields


def _bullets(items: tuple[str, ...], numbered: bool = False) -> str:
    if numbered:
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    return "\n".join(f"- {item}" for item in items)


def aspect_text(p: ProcedureFields, aspect: str) -> str | None:
    """The body of one aspect of a procedure, or None when the record has nothing for it."""
    if aspect == "documents" and p.documents:
        return _bullets(p.documents)
    if aspect == "steps" and p.steps:
        return _bullets(p.steps, numbered=True)
    if aspect == "legal_basis" and p.legal_basis:
        return _bullets(p.legal_basis)
    if aspect == "online" and p.online and (p.online.level or p.online.url or p.online.note):
        lines = []
        if p.online.level:
            lines.append(texts.ONLINE_LEVEL.format(level=p.online.level))
        if p.online.url:  # the section's title already says "Nộp trực tuyến"
            lines.append(p.online.url)
        if p.online.note:
            lines.append(p.online.note)
        return "\n".join(lines)
    value = {
        "processing_time": p.processing_time,
        "fee": p.fee,
        "where": p.where,
        "result": p.result,
        "agency": p.agency,
    }.get(aspect)
    return value or None


def _section(p: ProcedureFields, aspect: str) -> str | None:
    body = aspect_text(p, aspect)
    if body is None:
        return None
    title = texts.ASPECT_TITLES[aspect]
    return f"{title}:\n{body}" if "\n" in body or len(body) > 60 else f"{title}: {body}"


def full_procedure(entry: Entry) -> str:
    p = entry.procedure
    assert p is not None
    parts = [entry.title]
    if p.summary:
        parts.append(p.summary)
    if p.code:
        parts.append(texts.PROCEDURE_CODE.format(code=p.code))
    parts.extend(s for a in ASPECTS if (s := _section(p, a)))
    if p.note:
        parts.append(p.note)
    return "\n\n".join(parts)


def procedure_aspect(entry: Entry, aspect: str) -> tuple[str, bool]:
    """The aspect asked first, then where to file online and the legal basis.

    Returns the text and whether it is the short, aspect-only form (False when the record has
    nothing for that aspect and the whole procedure is shown instead).
    """
    p = entry.procedure
    assert p is not None
    first = _section(p, aspect)
    if first is None:
        missing = texts.ASPECT_MISSING.format(title=texts.ASPECT_TITLES[aspect])
        return f"{missing}\n\n{full_procedure(entry)}", False
    parts = [entry.title, first]
    if aspect != "online" and p.online and p.online.url:
        parts.append(texts.ONLINE_LINK.format(url=p.online.url))
    if aspect != "legal_basis" and p.legal_basis:
        parts.append(texts.SOURCE_NOTE.format(basis="; ".join(p.legal_basis)))
    if p.note:
        parts.append(p.note)
    return "\n\n".join(parts), True


def faq_answer(entry: Entry) -> str:
    parts = [entry.title, (entry.answer or "").strip()]
    return "\n\n".join(parts)


def links_and_related(entry: Entry, knowledge: KnowledgeBase) -> str:
    parts = []
    if entry.links:
        lines = [texts.LINKS_TITLE, *(f"- {link.title}: {link.url}" for link in entry.links)]
        if all(link.title == link.url for link in entry.links):
            lines = [texts.LINKS_TITLE, *(f"- {link.url}" for link in entry.links)]
        parts.append("\n".join(lines))
    index = knowledge.by_id()
    titles = [index[i].title for i in entry.see_also if i in index]
    if titles:
        parts.append(texts.SEE_ALSO.format(titles="; ".join(titles)))
    return "\n\n".join(parts)


_PLACEHOLDER = re.compile(r"\{(name|short_name|hotline|phone|email|address|hours|website|portal)\}")


def fill_agency(text: str, agency: Agency) -> str:
    """Replace `{hotline}`, `{address}` … with the values of agency.yaml (edited in one place)."""
    return _PLACEHOLDER.sub(lambda m: getattr(agency, m.group(1)) or m.group(0), text)


def render_entry(entry: Entry, knowledge: KnowledgeBase, aspect: str | None = None) -> str:
    """The reply text for an entry; for a procedure with an aspect, that aspect comes first."""
    if entry.kind == "procedure" and aspect:
        body, _ = procedure_aspect(entry, aspect)
    elif entry.kind == "procedure":
        body = full_procedure(entry)
    else:
        body = faq_answer(entry)
    extra = links_and_related(entry, knowledge)
    text = "\n\n".join(part for part in (body, extra, texts.ANSWER_FOOTER) if part)
    return fill_agency(text, knowledge.agency)
