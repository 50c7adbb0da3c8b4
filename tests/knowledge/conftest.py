"""Builds small knowledge folders in tmp_path (never the real knowledge/ folder)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.knowledge.helpers import AGENCY

BuildKb = Callable[..., Path]


@pytest.fixture
def build_kb(tmp_path: Path) -> BuildKb:
    """Write `{relative path: yaml text}` (dedented) into a folder that has agency.yaml."""

    def build(files: dict[str, str] | None = None, *, agency: str | None = AGENCY) -> Path:
        root = tmp_path / "knowledge"
        root.mkdir(exist_ok=True)
        if agency is not None:
            (root / "agency.yaml").write_text(agency, encoding="utf-8")
        for rel, text in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return build
