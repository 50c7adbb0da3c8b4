"""Any content gives a report, never an exception; big folders load fast."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.knowledge import load_knowledge
from tests.knowledge.helpers import AGENCY, TODAY, check

KEYS = ["id", "questions", "answer", "topic", "entries", "links", "url", "q", "expect", "x"]
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
FILES = ["agency.yaml", "synonyms.yaml", "golden.yaml", "faq/a.yaml", "procedures/b.yml"]


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(FILES), values | st.text(max_size=30), min_size=1))
def test_check_never_raises_on_arbitrary_content(contents: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, value in contents.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            path.write_text(text, encoding="utf-8")
        report = check(root)
        assert (report.knowledge is None) == bool(report.errors)
        for problem in report.errors + report.warnings:
            assert str(problem)


def test_a_benchmark_sized_file_loads_fast(tmp_path: Path) -> None:
    """4,451 entries in one file (like the UIT-ViCoV19QA benchmark folder) in well under 2 s."""
    lines = ["topic: Hỏi đáp lớn", "entries:"]
    for i in range(4451):
        lines += [
            f"  - id: vc{i:04d}",
            "    questions:",
            f"      - Câu hỏi số {i} về việc tiêm vắc xin phòng bệnh cho học sinh trung học"
            f" phổ thông trong năm học mới có cần giấy xác nhận của nhà trường hay không {i}?",
            "    answer: " + f"Câu trả lời số {i}, khá dài để giống dữ liệu thật. " * 3,
            "    reviewed: 2025-05-01",
        ]
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "lon.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "agency.yaml").write_text(AGENCY, encoding="utf-8")
    started = time.perf_counter()
    kb = load_knowledge(tmp_path, today=TODAY)
    elapsed = time.perf_counter() - started
    assert len(kb.entries) == 4451
    assert elapsed < 4.0, f"loading took {elapsed:.2f} s"  # ~1 s here; generous for busy CI
