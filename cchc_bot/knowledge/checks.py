"""Checks across entries: unique ids and questions, references, freshness."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from cchc_bot.knowledge.entries import ParsedEntry
from cchc_bot.knowledge.model import Source
from cchc_bot.knowledge.problems import Problems
from cchc_bot.vietnamese import Normalizer


def check_unique_ids(parsed: Sequence[ParsedEntry], problems: Problems) -> dict[str, ParsedEntry]:
    """Ids must be unique across all files; the map of the first entry holding each id."""
    first: dict[str, ParsedEntry] = {}
    for p in parsed:
        e = p.entry
        if e.id in first:
            other = first[e.id].entry.source
            problems.error(
                f"id '{e.id}' bị trùng: đã được dùng cho mục ở {other}",
                e.source.file,
                p.key_lines.get("id", e.source.line),
                e.id,
            )
        else:
            first[e.id] = p
    return first


def check_unique_questions(
    parsed: Sequence[ParsedEntry], normalizer: Normalizer, problems: Problems
) -> None:
    """No two questions may be the same after normalisation, within or across entries."""
    seen: dict[str, tuple[str, Source]] = {}
    for p in parsed:
        e = p.entry
        for question, line in zip(e.questions, p.question_lines, strict=True):
            norm = normalizer.normalize(question)
            if not norm:
                problems.warning(
                    f"câu hỏi '{question}' không còn từ nào sau khi chuẩn hoá (chỉ gồm dấu "
                    "câu hoặc từ đệm như 'ạ', 'xin chào'), nên bot sẽ không bao giờ khớp được",
                    e.source.file,
                    line,
                    e.id,
                )
                continue
            where = Source(e.source.file, line)
            if norm not in seen:
                seen[norm] = (e.id, where)
                continue
            other_id, other = seen[norm]
            if other_id == e.id:
                clash = (
                    f"trùng với câu hỏi ở dòng {other.line} của chính mục này (sau khi chuẩn hoá "
                    f"đều là '{norm}'); bot đã tự hiểu cách viết không dấu và viết tắt, "
                    "hãy xoá bớt một câu"
                )
            else:
                clash = (
                    f"trùng với câu hỏi của mục '{other_id}' ở {other} (sau khi chuẩn hoá "
                    f"đều là '{norm}'); bot không biết chọn mục nào, hãy sửa hoặc gộp hai mục"
                )
            problems.error(
                f"câu hỏi '{question}' {clash}",
                e.source.file,
                line,
                e.id,
            )


def _did_you_mean(ref: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(ref, list(known), n=1, cutoff=0.75)
    return f" — có phải ý bạn là '{close[0]}'?" if close else ""


def check_see_also(
    parsed: Sequence[ParsedEntry], ids: dict[str, ParsedEntry], problems: Problems
) -> None:
    """Every `see_also` id must name an existing entry."""
    for p in parsed:
        e = p.entry
        for ref, line in zip(e.see_also, p.see_also_lines, strict=True):
            if ref not in ids:
                problems.error(
                    f"'see_also' trỏ tới id '{ref}' không tồn tại{_did_you_mean(ref, ids)}",
                    e.source.file,
                    line,
                    e.id,
                )


def check_golden_ids(
    refs: Sequence[tuple[str, Source]], ids: Collection[str], problems: Problems
) -> None:
    """Every id a golden question expects must exist."""
    for ref, where in refs:
        if ref not in ids:
            problems.error(
                f"câu hỏi mẫu mong đợi id '{ref}' nhưng không có mục nào mang id này"
                + _did_you_mean(ref, ids),
                where.file,
                where.line,
                ref,
            )


def check_freshness(
    parsed: Sequence[ParsedEntry], today: date, review_max_age_days: int, problems: Problems
) -> None:
    """Dates against today: future reviews are errors; expired or stale entries are warnings."""
    for p in parsed:
        e = p.entry
        file, line = e.source.file, e.source.line
        if e.valid_until is not None and e.valid_until < today:
            problems.warning(
                f"mục đã hết hiệu lực từ {e.valid_until:%d/%m/%Y} ('valid_until'); "
                "bot sẽ không dùng mục này để trả lời",
                file,
                p.key_lines.get("valid_until", line),
                e.id,
            )
        if e.reviewed is None:
            problems.warning("mục chưa có ngày rà soát 'reviewed'", file, line, e.id)
        elif e.reviewed > today:
            problems.error(
                f"ngày rà soát 'reviewed' ({e.reviewed}) nằm ở tương lai",
                file,
                p.key_lines.get("reviewed", line),
                e.id,
            )
        elif (age := (today - e.reviewed).days) > review_max_age_days:
            problems.warning(
                f"mục đã {age} ngày chưa được rà soát lại (lần cuối {e.reviewed:%d/%m/%Y}, "
                f"hạn {review_max_age_days} ngày)",
                file,
                p.key_lines.get("reviewed", line),
                e.id,
            )
        if e.procedure is not None and not e.procedure.legal_basis:
            problems.warning("thủ tục chưa ghi căn cứ pháp lý 'legal_basis'", file, line, e.id)
