"""Load and validate a knowledge folder in one pass, reporting every problem at once.

`check_knowledge` never raises for content problems: it returns every error and warning
(with file, line and entry id) and the knowledge base when there were no errors.
`load_knowledge` is all-or-nothing: any error raises `KnowledgeError` listing them all, so a
failed reload can keep the previous knowledge base in service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from yaml import Mark
from yaml.nodes import Node, ScalarNode

from cchc_bot import kb_texts
from cchc_bot.knowledge.checks import (
    check_freshness,
    check_golden_ids,
    check_holidays,
    check_see_also,
    check_unique_ids,
    check_unique_questions,
)
from cchc_bot.knowledge.entries import ParsedEntry, read_topic_file
from cchc_bot.knowledge.model import EntryKind, GoldenCase, KnowledgeBase, Topic
from cchc_bot.knowledge.problems import KnowledgeError, Problem, Problems
from cchc_bot.knowledge.sections import (
    GoldenFile,
    SynonymsFile,
    check_synonyms_stable,
    read_agency,
    read_golden,
    read_holidays,
    read_synonyms,
)
from cchc_bot.knowledge.yaml_nodes import Reader, read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
TOPIC_FOLDERS: tuple[tuple[str, EntryKind], ...] = (("faq", "faq"), ("procedures", "procedure"))
AGENCY_FILE = "agency.yaml"
SYNONYMS_FILE = "synonyms.yaml"
GOLDEN_FILE = "golden.yaml"
HOLIDAYS_FILE = "holidays.yaml"


@dataclass(frozen=True)
class CheckReport:
    """Everything `check_knowledge` found; `knowledge` is None whenever there are errors.

    `draft` is built from whatever did parse (first entry of each id), even with errors, so
    that checks needing a matcher (near-duplicate questions) report in the same run; it is
    never served.
    """

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    knowledge: KnowledgeBase | None
    draft: KnowledgeBase | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.errors + self.warnings


def load_knowledge(root: str | Path, *, today: date | None = None) -> KnowledgeBase:
    """The knowledge base in `root`; raises KnowledgeError listing every error."""
    report = check_knowledge(root, today=today)
    if report.knowledge is None:
        raise KnowledgeError(report.errors)
    return report.knowledge


def check_knowledge(
    root: str | Path,
    *,
    today: date | None = None,
    review_max_age_days: int = 365,
) -> CheckReport:
    """Validate the folder and build the knowledge base when it has no errors."""
    folder = Path(root)
    today = today or date.today()
    problems = Problems()
    if not folder.is_dir():
        missing = kb_texts.KNOWLEDGE_IS_A_FILE if folder.exists() else kb_texts.NO_FOLDER
        problems.error(missing.format(folder=folder))
        return CheckReport(problems.errors, problems.warnings, None)

    agency = None
    agency_path = folder / AGENCY_FILE
    if agency_path.is_file():
        node = read_yaml(agency_path, AGENCY_FILE, problems)
        if node is not None:
            agency = read_agency(node, Reader(problems, AGENCY_FILE))
    else:
        hint = kb_texts.AGENCY_YML_HINT if (folder / "agency.yml").is_file() else ""
        problems.error(kb_texts.MISSING_AGENCY.format(file=AGENCY_FILE, hint=hint), AGENCY_FILE)

    syn_reader = Reader(problems, SYNONYMS_FILE)
    syn_node = _optional_yaml(folder, SYNONYMS_FILE, problems)
    synonyms = read_synonyms(syn_node, syn_reader) if syn_node is not None else SynonymsFile()
    normalizer = check_synonyms_stable(synonyms, syn_reader)

    topics, parsed = _read_topics(folder, problems)

    golden_node = _optional_yaml(folder, GOLDEN_FILE, problems)
    golden = GoldenFile()
    if golden_node is not None:
        golden = read_golden(golden_node, Reader(problems, GOLDEN_FILE))

    holidays_node = _optional_yaml(folder, HOLIDAYS_FILE, problems)
    holidays = ()
    if holidays_node is not None:
        holidays = read_holidays(holidays_node, Reader(problems, HOLIDAYS_FILE))
        if (folder / HOLIDAYS_FILE).is_file():  # a folder without one uses no holidays at all
            check_holidays(holidays, today, problems, HOLIDAYS_FILE)

    ids = check_unique_ids(parsed, problems)
    check_unique_questions(parsed, normalizer, problems)
    check_see_also(parsed, ids, problems)
    check_golden_ids(golden.refs, ids, problems)
    check_freshness(parsed, today, review_max_age_days, problems)

    errors = _in_file_order(problems.errors)
    draft = None
    if agency is not None:
        first = {p.entry.id: p.entry for p in reversed(parsed)}
        draft = KnowledgeBase(
            root=str(folder),
            agency=agency,
            entries=tuple(e for e in (p.entry for p in parsed) if first[e.id] is e),
            topics=tuple(topics),
            synonyms=synonyms.synonyms,
            golden=tuple(golden.cases),
            holidays=holidays,
        )
    knowledge = draft if not errors else None
    return CheckReport(errors, _in_file_order(problems.warnings), knowledge, draft)


def _in_file_order(found: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Folder-wide problems first, then by file and line (the order an editor fixes them)."""
    return tuple(sorted(found, key=lambda p: (p.file is not None, p.file or "", p.line or 0)))


def _optional_yaml(folder: Path, name: str, problems: Problems) -> Node | None:
    """The file's nodes; a null node when it is absent (same as empty), None when broken."""
    path = folder / name
    if not path.is_file():
        start = Mark(name, 0, 0, 0, None, None)
        return ScalarNode("tag:yaml.org,2002:null", "", start, start)
    return read_yaml(path, name, problems)


def _read_topics(folder: Path, problems: Problems) -> tuple[list[Topic], list[ParsedEntry]]:
    """All faq/ and procedures/ files, in sorted order, with their entries."""
    topics: list[Topic] = []
    parsed: list[ParsedEntry] = []
    seen_keys: dict[str, str] = {}
    for sub, kind in TOPIC_FOLDERS:
        directory = folder / sub
        if not directory.is_dir():
            if directory.exists():
                problems.warning(kb_texts.NOT_A_FOLDER.format(folder=sub), sub)
            continue
        for path in sorted(directory.iterdir(), key=lambda p: p.name):
            rel = f"{sub}/{path.name}"
            if path.name.startswith("."):
                continue
            if path.is_dir():
                problems.warning(kb_texts.SUBFOLDER_IGNORED.format(folder=sub), rel)
                continue
            if path.suffix.lower() not in YAML_SUFFIXES:
                problems.warning(kb_texts.NOT_YAML, rel)
                continue
            key = f"{sub}/{path.stem}"
            if key in seen_keys:
                problems.error(kb_texts.DUPLICATE_TOPIC.format(other=seen_keys[key]), rel)
                continue
            seen_keys[key] = rel
            node = read_yaml(path, rel, problems)
            if node is None:
                continue  # unreadable or a syntax error, already reported
            found = read_topic_file(node, key, kind, Reader(problems, rel))
            if found.topic is not None:
                topics.append(found.topic)
            parsed.extend(found.entries)
    return topics, parsed


def load_golden(path: str | Path, knowledge: KnowledgeBase) -> tuple[GoldenCase, ...]:
    """A golden file anywhere on disk, checked against `knowledge`; KnowledgeError if broken."""
    file = Path(path)
    problems = Problems()
    if not file.is_file():
        problems.error(kb_texts.NO_GOLDEN_FILE.format(file=file))
        raise KnowledgeError(problems.errors)
    node = read_yaml(file, file.name, problems)
    golden = read_golden(node, Reader(problems, file.name)) if node is not None else GoldenFile()
    check_golden_ids(golden.refs, {e.id for e in knowledge.entries}, problems)
    if problems.errors:
        raise KnowledgeError(_in_file_order(problems.errors))
    return tuple(golden.cases)
