"""Reading YAML as nodes, so every value keeps its line and every problem can point at it.

Values are read from the composed node tree rather than from `yaml.safe_load`, for three
reasons: line numbers, duplicate keys (which PyYAML silently overwrites) and YAML 1.1
surprises. A text field takes the characters the editor typed, so `code: 1.005140` stays
"1.005140" (not the float 1.00514), `fee: 0` is "0" and a synonym `no` is "no", not False.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cchc_bot import kb_texts
from cchc_bot.knowledge.problems import Problems

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL_TAG = "tag:yaml.org,2002:null"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*$")
_KINDS = {MappingNode: kb_texts.KIND_MAPPING, SequenceNode: kb_texts.KIND_SEQUENCE}


def line_of(node: Node) -> int:
    """1-based line where a node starts."""
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def describe(node: Node) -> str:
    """What a node is, in words an editor understands."""
    if is_null(node):
        return kb_texts.KIND_EMPTY
    return _KINDS.get(type(node), kb_texts.KIND_SCALAR)


def read_yaml(path: Path, file: str, problems: Problems) -> Node | None:
    """Compose one YAML file into nodes; None when it could not be read (already reported).

    An empty file gives a null node on line 1, so callers can tell it from a failure.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(kb_texts.NOT_UTF8.format(reason=exc.reason), file)
        return None
    except OSError as exc:
        problems.error(kb_texts.UNREADABLE.format(error=exc.strerror or exc), file)
        return None
    try:
        node = yaml.compose(text, Loader=_LOADER)
        if node is None:
            start = yaml.Mark(file, 0, 0, 0, None, None)
            node = ScalarNode(_NULL_TAG, "", start, start)
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = "; ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.error(
            kb_texts.YAML_SYNTAX_AT.format(detail=detail),
            file,
            mark.line + 1 if mark else None,
        )
    except yaml.YAMLError as exc:
        problems.error(kb_texts.YAML_SYNTAX.format(error=exc), file)
    return None


def parse_iso_date(text: str) -> date | None:
    """A real calendar date written as YYYY-MM-DD, or None."""
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def url_problem(url: str) -> str | None:
    """Why `url` is not a usable http(s) link, or None when it is fine."""
    if any(ch.isspace() for ch in url):
        return kb_texts.URL_SPACES.format(url=url)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError:
        return kb_texts.URL_INVALID.format(url=url)
    if parts.scheme not in ("http", "https"):
        return kb_texts.URL_NOT_HTTP.format(url=url)
    if not host or not _HOST.match(host):
        return kb_texts.URL_NO_HOST.format(url=url)
    return None


@dataclass(frozen=True)
class Fields:
    """The keys of one YAML mapping: key → value node and key → key node (for lines)."""

    node: MappingNode
    values: dict[str, Node]
    keys: dict[str, Node]

    def get(self, key: str) -> Node | None:
        return self.values.get(key)


class Reader:
    """Reads typed values out of nodes of one file, reporting each problem at its line."""

    def __init__(self, problems: Problems, file: str, entry_id: str | None = None) -> None:
        self.problems = problems
        self.file = file
        self.entry_id = entry_id

    def for_entry(self, entry_id: str | None) -> Reader:
        return Reader(self.problems, self.file, entry_id)

    def error(self, where: Node | int | None, message: str) -> None:
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.error(message, self.file, line, self.entry_id)

    def warning(self, where: Node | int | None, message: str) -> None:
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.warning(message, self.file, line, self.entry_id)

    # --- structure -----------------------------------------------------------------------

    def mapping(
        self,
        node: Node,
        what: str,
        known: Sequence[str] | None = None,
        required: Sequence[str] = (),
    ) -> Fields | None:
        """Check that `node` is a mapping with string keys, no duplicates, no unknown keys."""
        if not isinstance(node, MappingNode):
            self.error(node, kb_texts.NOT_A_MAPPING.format(what=what, kind=describe(node)))
            return None
        values: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or is_null(key_node):
                self.error(key_node, kb_texts.BAD_KEY.format(what=what))
                continue
            key = key_node.value
            if key in keys:
                first = line_of(keys[key])
                self.error(key_node, kb_texts.DUPLICATE_KEY.format(key=key, first=first))
                continue
            if known is not None and key not in known:
                self.error(key_node, unknown_key_message(key, known, what))
                continue
            keys[key] = key_node
            values[key] = value_node
        for key in required:
            if key not in values:
                self.error(node, kb_texts.MISSING_KEY.format(key=key, what=what))
        return Fields(node, values, keys)

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(
                node,
                kb_texts.NOT_A_SEQUENCE.format(what=what, kind=describe(node)),
            )
            return None
        return list(node.value)

    # --- values --------------------------------------------------------------------------

    def scalar_text(self, node: Node, what: str, *, required: bool = False) -> str | None:
        """Text of a single value, stripped; None when blank (an error when required)."""
        if is_null(node):
            if required:
                self.error(node, kb_texts.EMPTY_VALUE.format(what=what))
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, kb_texts.NOT_TEXT.format(what=what, kind=describe(node)))
            return None
        text = str(node.value).strip()
        if not text:
            if required:
                self.error(node, kb_texts.EMPTY_VALUE.format(what=what))
            return None
        return text

    def text(self, fields: Fields, key: str, *, required: bool = False) -> str | None:
        node = fields.get(key)
        if node is None:
            return None
        return self.scalar_text(node, f"'{key}'", required=required)

    def text_list(self, fields: Fields, key: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of non-blank texts; an empty or missing list is an error only when required."""
        node = fields.get(key)
        if node is None:
            return ()
        if is_null(node):
            if required:
                self.error(node, kb_texts.EMPTY_FIELD.format(key=key))
            return ()
        items = self.sequence(node, f"'{key}'")
        if items is None:
            return ()
        if not items and required:
            self.error(node, kb_texts.EMPTY_LIST.format(key=key))
        out: list[str] = []
        for number, item in enumerate(items, 1):
            text = self.scalar_text(item, kb_texts.LIST_ITEM.format(number=number, key=key))
            if text is None and (is_null(item) or isinstance(item, ScalarNode)):
                self.error(item, kb_texts.LIST_ITEM_EMPTY.format(number=number, key=key))
            elif text is not None:
                out.append(text)
        return tuple(out)

    def date(self, fields: Fields, key: str) -> date | None:
        """A YYYY-MM-DD date, quoted or not."""
        node = fields.get(key)
        if node is None or is_null(node):
            return None
        text = self.scalar_text(node, f"'{key}'")
        if text is None:
            return None
        day = parse_iso_date(text)
        if day is None:
            self.error(
                node,
                kb_texts.BAD_DATE.format(key=key, text=text),
            )
        return day

    def url(self, fields: Fields, key: str) -> str | None:
        url = self.text(fields, key)
        if url is not None and (why := url_problem(url)):
            self.error(fields.values[key], why)
        return url


def unknown_key_message(key: str, known: Sequence[str], what: str) -> str:
    """'trường lạ …, có phải là …?' with the closest known key when there is one."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = kb_texts.DID_YOU_MEAN.format(close=close[0]) if close else ""
    valid = ", ".join(known)
    return kb_texts.UNKNOWN_KEY.format(key=key, what=what, hint=hint, valid=valid)
