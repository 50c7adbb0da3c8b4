"""Writing into the staff's YAML files without disturbing them: add a question, add an entry.

Edits are textual (comments, order and formatting of the file stay as staff wrote them) and
all-or-nothing: after writing, the whole folder is checked, and on any error the file is put
back exactly as it was and the problems are raised.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from cchc_bot import kb_texts
from cchc_bot.knowledge.loader import check_knowledge, load_knowledge
from cchc_bot.knowledge.problems import KnowledgeError, Problem

# Titles of new topic files when staff give none (only where the file name is unambiguous).
DEFAULT_TOPIC_TITLES: dict[str, str] = {"hoi-dap": kb_texts.DEFAULT_FAQ_TOPIC}


def _fail(message: str, file: str | None = None, entry_id: str | None = None) -> KnowledgeError:
    return KnowledgeError((Problem("error", message, file, None, entry_id),))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def _write_checked(folder: Path, path: Path, new_text: str) -> None:
    original = path.read_text(encoding="utf-8") if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_text, encoding="utf-8")
    report = check_knowledge(folder)
    if report.errors:
        if original is None:
            path.unlink()
        else:
            path.write_text(original, encoding="utf-8")
        raise KnowledgeError(report.errors)


def _mapping_value(node: MappingNode, key: str):
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v
    return None


def add_question(folder: str | Path, entry_id: str, question: str, *, comment: str) -> Path:
    """Append `question` to the `questions:` of an existing entry; returns the file changed."""
    folder = Path(folder)
    entry = load_knowledge(folder).by_id().get(entry_id)
    if entry is None:
        raise _fail(kb_texts.NO_ENTRY.format(id=entry_id), entry_id=entry_id)
    path = folder / entry.source.file
    text = path.read_text(encoding="utf-8")
    root = yaml.compose(text)
    entries = _mapping_value(root, "entries") if isinstance(root, MappingNode) else None
    questions = None
    for item in entries.value if isinstance(entries, SequenceNode) else ():
        id_node = _mapping_value(item, "id") if isinstance(item, MappingNode) else None
        if isinstance(id_node, ScalarNode) and id_node.value == entry_id:
            questions = _mapping_value(item, "questions")
    if not isinstance(questions, SequenceNode) or questions.flow_style or not questions.value:
        raise _fail(
            kb_texts.QUESTIONS_NOT_BLOCK,
            entry.source.file,
            entry_id,
        )
    lines = text.split("\n")
    last = questions.value[-1]
    end = last.end_mark.line if last.end_mark.column > 0 else last.end_mark.line - 1
    dash = lines[last.start_mark.line].index("-")
    lines.insert(end + 1, f"{' ' * dash}- {_quoted(question)}  # {comment}")
    _write_checked(folder, path, "\n".join(lines))
    return path


def add_faq_entry(
    folder: str | Path,
    topic_file: str,
    entry_id: str,
    question: str,
    answer: str,
    *,
    comment: str,
    reviewed: date,
    topic_title: str | None = None,
) -> Path:
    """Append a new FAQ entry to `faq/<file>.yaml` (created when missing).

    A new file needs `topic_title` (with its diacritics), except `faq/hoi-dap.yaml`, which is
    titled "Hỏi – đáp" by default; a title is never made up from the file name.
    """
    folder = Path(folder)
    relative = topic_file if topic_file.startswith("faq/") else f"faq/{topic_file}"
    if not relative.endswith((".yaml", ".yml")):
        relative += ".yaml"
    path = folder / relative
    body = [
        f"  # {comment}",
        f"  - id: {entry_id}",
        "    questions:",
        f"      - {_quoted(question)}",
        "    answer: |",
        *(f"      {line}".rstrip() for line in answer.strip().splitlines()),
        f"    reviewed: {reviewed.isoformat()}",
        "",
    ]
    if path.exists():
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        entries = _mapping_value(root, "entries") if isinstance(root, MappingNode) else None
        if not isinstance(entries, SequenceNode):
            raise _fail(kb_texts.TOPIC_NO_ENTRIES_LIST, relative)
        last_key = root.value[-1][0]
        if entries.flow_style and entries.value:
            raise _fail(kb_texts.ENTRIES_FLOW, relative)
        if not (isinstance(last_key, ScalarNode) and last_key.value == "entries"):
            raise _fail(kb_texts.ENTRIES_NOT_LAST, relative)
        if entries.flow_style:  # `entries: []`
            text = text[: entries.start_mark.index] + text[entries.end_mark.index :]
        new_text = text.rstrip("\n") + "\n" + "\n".join(body)
    else:
        title = " ".join((topic_title or "").split()) or DEFAULT_TOPIC_TITLES.get(path.stem)
        if not title:  # a title made from the file name would lose its diacritics
            raise _fail(kb_texts.TOPIC_TITLE_NEEDED, relative)
        new_text = f"topic: {_quoted(title)}\nentries:\n" + "\n".join(body)
    _write_checked(folder, path, new_text)
    return path
