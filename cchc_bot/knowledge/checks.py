"""Checks across entries: unique ids and questions, references, freshness."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta

from cchc_bot import kb_texts
from cchc_bot.knowledge.entries import ParsedEntry
from cchc_bot.knowledge.model import Holiday, Source
from cchc_bot.knowledge.problems import Problems
from cchc_bot.vietnamese import Normalizer
from cchc_bot.workcalendar import holiday_gaps

# "Today" is the machine's date; staff in Vietnam (UTC+7) write theirs, which on a server in
# UTC is already tomorrow from 17:00. A review dated tomorrow is therefore no error.
_DATE_LINE = timedelta(days=1)


def check_unique_ids(parsed: Sequence[ParsedEntry], problems: Problems) -> dict[str, ParsedEntry]:
    """Ids must be unique across all files; the map of the first entry holding each id."""
    first: dict[str, ParsedEntry] = {}
    for p in parsed:
        e = p.entry
        if e.id in first:
            other = first[e.id].entry.source
            problems.error(
                kb_texts.DUPLICATE_ID.format(id=e.id, other=other),
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
                    kb_texts.QUESTION_EMPTY_AFTER_NORMALISING.format(question=question),
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
                clash = kb_texts.SAME_ENTRY_CLASH.format(line=other.line, norm=norm)
            else:
                clash = kb_texts.OTHER_ENTRY_CLASH.format(other_id=other_id, other=other, norm=norm)
            problems.error(
                kb_texts.QUESTION_CLASH.format(question=question, clash=clash),
                e.source.file,
                line,
                e.id,
            )


def _did_you_mean(ref: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(ref, list(known), n=1, cutoff=0.75)
    return kb_texts.DID_YOU_MEAN.format(close=close[0]) if close else ""


def check_see_also(
    parsed: Sequence[ParsedEntry], ids: dict[str, ParsedEntry], problems: Problems
) -> None:
    """Every `see_also` id must name an existing entry."""
    for p in parsed:
        e = p.entry
        for ref, line in zip(e.see_also, p.see_also_lines, strict=True):
            if ref not in ids:
                problems.error(
                    kb_texts.SEE_ALSO_UNKNOWN.format(ref=ref, hint=_did_you_mean(ref, ids)),
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
                kb_texts.GOLDEN_UNKNOWN.format(ref=ref, hint=_did_you_mean(ref, ids)),
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
                kb_texts.EXPIRED.format(until=e.valid_until),
                file,
                p.key_lines.get("valid_until", line),
                e.id,
            )
        if e.reviewed is None:
            problems.warning(kb_texts.NOT_REVIEWED, file, line, e.id)
        elif e.reviewed > today + _DATE_LINE:
            problems.error(
                kb_texts.REVIEWED_IN_FUTURE.format(reviewed=e.reviewed),
                file,
                p.key_lines.get("reviewed", line),
                e.id,
            )
        elif (age := (today - e.reviewed).days) > review_max_age_days:
            problems.warning(
                kb_texts.REVIEW_STALE.format(
                    age=age, reviewed=e.reviewed, limit=review_max_age_days
                ),
                file,
                p.key_lines.get("reviewed", line),
                e.id,
            )
        if e.procedure is not None and not e.procedure.legal_basis:
            problems.warning(kb_texts.NO_LEGAL_BASIS, file, line, e.id)


def check_holidays(
    holidays: Sequence[Holiday], today: date, problems: Problems, file: str = "holidays.yaml"
) -> None:
    """Warn when the holiday list does not cover the coming year: due times promised to
    citizens would count a missing holiday (Tết above all) as a working day."""
    gaps = holiday_gaps([h.day for h in holidays], today)
    if gaps is None:
        return
    if gaps.listed_until is not None or not holidays:
        until = gaps.listed_until.strftime("%d/%m/%Y") if gaps.listed_until else "-"
        horizon = gaps.horizon.strftime("%d/%m/%Y")
        problems.warning(kb_texts.HOLIDAYS_SHORT.format(until=until, horizon=horizon), file)
    for year in gaps.tet_years:
        problems.warning(kb_texts.HOLIDAYS_NO_TET.format(year=year), file)
