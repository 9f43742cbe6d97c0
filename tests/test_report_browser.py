"""The report opened from file:// in a real headless Chromium (Debian's, driven by Playwright):
no request leaves the machine, every chart draws, Chinese text is there. Skipped only where
Chromium is absent, and never in CI (CI installs it)."""

from __future__ import annotations

import os
import shutil

import pytest

import qingmiao_lib as qm
from qingmiao_lib import report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def test_report_opens_offline_and_draws(browser, demo_db, tmp_path):
    con = qm.connect(demo_db)
    out = report.write_report(con, year=2023, out=tmp_path / "report.html")
    con.close()
    page = browser.new_page()
    requests: list[str] = []

    def guard(route):
        requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.resolve().as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2")
    assert [u for u in requests if not u.startswith("file://")] == []
    assert errors == []
    # two charts, each with bars drawn
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.locator(".js-plotly-plot .trace.bars").count() >= 2
    text = page.inner_text("body")
    assert "核心指标" in text and "年轻公务员年龄性别结构" in text and "2023-12-31" in text
    # the numbers behind the pyramid are one click away
    page.click("summary")
    assert page.locator("details table tr").count() >= 3
    page.close()
