"""The single files of a knowledge folder: agency.yaml, synonyms.yaml and golden.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import Node, ScalarNode, SequenceNode

from cchc_bot import kb_texts
from cchc_bot.knowledge.model import Agency, GoldenCase, Holiday, Source, Synonyms
from cchc_bot.knowledge.yaml_nodes import Reader, describe, is_null, line_of
from cchc_bot.vietnamese import Normalizer, tokenize

AGENCY_KEYS = (
    "name",
    "short_name",
    "hotline",
    "address",
    "phone",
    "email",
    "hours",
    "website",
    "portal",
    "note",
    "hotline_response",
)
AGENCY_REQUIRED = ("name", "short_name", "hotline")
_AGENCY_URLS = ("website", "portal")
SYNONYMS_KEYS = ("synonyms", "filler", "related")
GOLDEN_KEYS = ("q", "expect")
HOLIDAY_KEYS = ("date", "name")


def read_agency(node: Node, r: Reader) -> Agency | None:
    """agency.yaml → Agency; None when a required value is missing or the shape is wrong."""
    if is_null(node):
        r.error(None, kb_texts.AGENCY_EMPTY)
        return None
    fields = r.mapping(node, "agency.yaml", AGENCY_KEYS, AGENCY_REQUIRED)
    if fields is None:
        return None
    values = {
        key: (r.url(fields, key) if key in _AGENCY_URLS else r.text(fields, key))
        for key in AGENCY_KEYS
        if key not in AGENCY_REQUIRED
    }
    name = r.text(fields, "name", required=True)
    short_name = r.text(fields, "short_name", required=True)
    hotline = r.text(fields, "hotline", required=True)
    if name is None or short_name is None or hotline is None:
        return None
    return Agency(name=name, short_name=short_name, hotline=hotline, **values)


def _fold_key(text: str) -> str:
    return " ".join(tokenize(text))


@dataclass
class SynonymsFile:
    """The synonyms read, plus the line of every phrase (to place later problems)."""

    synonyms: Synonyms = field(default_factory=Synonyms)
    phrase_lines: dict[str, int] = field(default_factory=dict)


def read_synonyms(node: Node, r: Reader) -> SynonymsFile:
    """synonyms.yaml → Synonyms; an empty file means no synonyms."""
    out = SynonymsFile()
    if is_null(node):
        return out
    fields = r.mapping(node, "synonyms.yaml", SYNONYMS_KEYS)
    if fields is None:
        return out
    groups: list[tuple[str, tuple[str, ...]]] = []
    table_node = fields.get("synonyms")
    if table_node is not None and not is_null(table_node):
        table = r.mapping(table_node, "'synonyms'")
        pairs = [] if table is None else [(k, n, table.values[k]) for k, n in table.keys.items()]
        for canonical, key_node, value in pairs:
            group = _read_group(canonical.strip(), key_node, value, r, out.phrase_lines)
            if group is not None:
                groups.append(group)
    filler = r.text_list(fields, "filler")
    related = _read_related(fields.get("related"), r)
    out.synonyms = Synonyms(groups=tuple(groups), filler=filler, related=related)
    return out


def _read_related(node: Node | None, r: Reader) -> tuple[tuple[str, ...], ...]:
    """`related:` — a list of word groups that may stand in for each other (soft matches)."""
    if node is None or is_null(node):
        return ()
    groups: list[tuple[str, ...]] = []
    for item in r.sequence(node, "'related'") or ():
        if not isinstance(item, SequenceNode):
            r.error(item, kb_texts.RELATED_NOT_LIST.format(kind=describe(item)))
            continue
        words = [r.scalar_text(sub, kb_texts.RELATED_WORD, required=True) for sub in item.value]
        group = tuple(w for w in words if w)
        if len(group) < 2:
            r.error(item, kb_texts.RELATED_TOO_SHORT)
            continue
        groups.append(group)
    return tuple(groups)


def _read_group(
    canonical: str,
    key_node: Node,
    node: Node,
    r: Reader,
    phrase_lines: dict[str, int],
) -> tuple[str, tuple[str, ...]] | None:
    """One `canonical: [variants]` line; problems are reported, bad variants dropped."""
    canonical_key = _fold_key(canonical)
    if not canonical_key:
        r.error(key_node, kb_texts.CANONICAL_EMPTY.format(canonical=canonical))
        return None
    phrase_lines.setdefault(canonical_key, line_of(key_node))
    if is_null(node):
        return canonical, ()
    if not isinstance(node, SequenceNode):
        r.error(
            node,
            kb_texts.VARIANTS_NOT_LIST.format(canonical=canonical, kind=describe(node)),
        )
        return None
    variants: list[str] = []
    seen: dict[str, int] = {}
    for item in node.value:
        if not isinstance(item, ScalarNode) or is_null(item):
            r.error(
                item, kb_texts.VARIANT_NOT_TEXT.format(canonical=canonical, kind=describe(item))
            )
            continue
        variant = str(item.value).strip()
        key = _fold_key(variant)
        if not key:
            r.error(item, kb_texts.VARIANT_EMPTY.format(canonical=canonical))
            continue
        if key == canonical_key:
            continue
        if key in seen:
            r.warning(
                item,
                kb_texts.VARIANT_TWICE.format(
                    variant=variant, canonical=canonical, first=seen[key]
                ),
            )
            continue
        seen[key] = line_of(item)
        phrase_lines.setdefault(key, line_of(item))
        variants.append(variant)
    return canonical, tuple(variants)


def check_synonyms_stable(found: SynonymsFile, r: Reader) -> Normalizer:
    """Report synonym cycles (a phrase whose expansion changes again); return the normaliser."""
    syn = found.synonyms
    normalizer = Normalizer(syn.groups, syn.filler)
    if syn.groups:
        built_in = set(Normalizer().expansion_is_stable())
        for phrase in normalizer.expansion_is_stable():
            if phrase in built_in:
                continue
            r.error(
                found.phrase_lines.get(phrase),
                kb_texts.SYNONYM_LOOP.format(phrase=phrase),
            )
    return normalizer


@dataclass
class GoldenFile:
    cases: list[GoldenCase] = field(default_factory=list)
    refs: list[tuple[str, Source]] = field(default_factory=list)


def read_golden(node: Node, r: Reader) -> GoldenFile:
    """golden.yaml: a list of `{q: question, expect: id | [ids] | null}`."""
    out = GoldenFile()
    if is_null(node):
        return out
    for item in r.sequence(node, "golden.yaml") or ():
        fields = r.mapping(item, kb_texts.GOLDEN_QUESTION, GOLDEN_KEYS, GOLDEN_KEYS)
        if fields is None:
            continue
        question = r.text(fields, "q", required=True)
        expect_node = fields.get("expect")
        expect: list[tuple[str, int]] = []
        if expect_node is None or is_null(expect_node):
            pass
        elif isinstance(expect_node, SequenceNode):
            for sub in expect_node.value:
                text = r.scalar_text(sub, "id trong 'expect'", required=True)
                if text is not None:
                    expect.append((text, line_of(sub)))
        else:
            text = r.scalar_text(expect_node, "'expect'")
            if text is not None:
                expect.append((text, line_of(expect_node)))
        if question is None:
            continue
        out.cases.append(
            GoldenCase(question, tuple(i for i, _ in expect), Source(r.file, line_of(item)))
        )
        out.refs.extend((i, Source(r.file, line)) for i, line in expect)
    return out


def read_holidays(node: Node, r: Reader) -> tuple[Holiday, ...]:
    """holidays.yaml: `holidays: [{date: YYYY-MM-DD, name: …}, …]`; an empty file is fine."""
    if is_null(node):
        return ()
    fields = r.mapping(node, "holidays.yaml", ("holidays",))
    if fields is None or fields.get("holidays") is None:
        return ()
    out: list[Holiday] = []
    seen: dict[object, int] = {}
    for item in r.sequence(fields.get("holidays"), "'holidays'") or ():
        entry = r.mapping(item, kb_texts.HOLIDAY, HOLIDAY_KEYS, HOLIDAY_KEYS)
        if entry is None:
            continue
        day = r.date(entry, "date")
        name = r.text(entry, "name", required=True)
        if day is None or name is None:
            continue
        if day in seen:
            r.error(item, kb_texts.HOLIDAY_TWICE.format(day=day.isoformat(), first=seen[day]))
            continue
        seen[day] = line_of(item)
        out.append(Holiday(day, name))
    return tuple(sorted(out, key=lambda h: h.day))
