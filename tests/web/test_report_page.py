"""The monthly HTML report in real headless Chromium: self-contained, charts drawn, fits A4.

Debian's `chromium` (or the browser named by CCHC_CHROMIUM), driven by Playwright with
`executable_path`; skipped, with the reason shown, where no such browser is installed.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc_bot.report_html import render_html
from cchc_bot.reports import MonthlyReport
from cchc_bot.storage import Database, Repository
from tests.test_reports import Clock, known_report

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

A4_CONTENT_PX = 703  # 210 mm − 2 × 12 mm margins at 96 px per inch


def _chromium() -> str | None:
    named = os.environ.get("CCHC_CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium installed (apt-get install chromium, or set CCHC_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def report(tmp_path: Path) -> MonthlyReport:
    with Database(f"sqlite:///{tmp_path / 'report.db'}") as database:
        database.upgrade()
        return known_report(Repository(database, clock=Clock()), database)


@pytest.fixture
def page(browser, report: MonthlyReport, tmp_path: Path) -> Iterator[object]:
    """The report opened from a file, with every request and console error recorded."""
    file = tmp_path / "bao-cao.html"
    file.write_text(render_html(report, agency="Sở Giáo dục và Đào tạo"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.errors = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(file.as_uri())
    page.wait_for_load_state("load")
    yield page
    context.close()


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_page_loads_nothing_else_and_raises_no_errors(page) -> None:
    assert [url for url in page.requests if not url.startswith("file:")] == []
    assert page.errors == []
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert "Sở Giáo dục và Đào tạo" in page.text_content("header")
    assert "Đo lường sự hài lòng" in page.inner_text("body")
    assert page.evaluate("document.scripts.length") == 0


def test_every_chart_is_drawn_with_bars_inside_it(page) -> None:
    charts = page.query_selector_all("figure svg")
    assert len(charts) >= 5
    for chart in charts:
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 20, chart.get_attribute("aria-label")
        bars = chart.query_selector_all("rect")
        assert bars, chart.get_attribute("aria-label")
        for bar in bars:
            inner = bar.bounding_box()
            if inner is None or inner["width"] == 0:  # a zero value draws nothing
                continue
            assert (
                box["x"] - 1 <= inner["x"]
                and inner["x"] + inner["width"] <= box["x"] + box["width"] + 1
            )
    assert _overflow(page) <= 0


def test_printed_on_a4_nothing_is_cut_off(page, tmp_path: Path) -> None:
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    assert _overflow(page) <= 0
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('table, svg, h1, h2, p')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= A4_CONTENT_PX + 1
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 8, pages
