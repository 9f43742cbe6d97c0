"""The reports opened from file:// in a real headless Chromium (Debian's, driven by Playwright),
with every http(s) request blocked: no request is attempted, no console error, every chart
draws, the unit selector changes a chart (to a unit and to a unit kind's sum), a batch unit
report draws with the folder's shared plotly.min.js and says so when copied without it, and no
full name from the database is on the page. A full-page PNG of each page is kept in
reports/test-artifacts/ to look at.

Skipped only where Chromium is absent, and never in CI (CI installs it)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import qingmiao_lib as qm
from qingmiao_lib import report
from qingmiao_lib.sections import units as unit_section

ARTIFACTS = Path(__file__).resolve().parent.parent / "reports" / "test-artifacts"

pytestmark = pytest.mark.browser


# The pages, each written once for the run (conftest) and asked for only by the tests that open
# it, so another worker can build the rest meanwhile.

@pytest.fixture(scope="module")
def county(demo_county_report) -> Path:
    """The 2023 county report (``qingmiao report``)."""
    return demo_county_report


@pytest.fixture(scope="module")
def unmasked(demo_unmasked_report) -> Path:
    """The 2023 county report with full names (``--unmasked``)."""
    return demo_unmasked_report


@pytest.fixture(scope="module")
def index(demo_towns) -> Path:
    """The index page of the batch of township reports (``--by-unit --unit-kind 乡镇街道``)."""
    return demo_towns["index"]


@pytest.fixture(scope="module")
def names(demo_db) -> list[str]:
    """Every full name in the database."""
    con = qm.connect(demo_db)
    try:
        return [n for (n,) in con.execute("select distinct name from persons").fetchall()]
    finally:
        con.close()


class Opened:
    """A page opened offline: the requests it tried and the errors it raised."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []

        def guard(route):
            self.requests.append(route.request.url)
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                route.abort()

        self.page.route("**/*", guard)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.resolve().as_uri(), wait_until="load")

    def all_text(self) -> str:
        """The page's visible text with every collapsed table opened."""
        self.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        return self.page.inner_text("body")

    @property
    def remote(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("file://")]

    def charts(self, expected: int) -> int:
        self.page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}", timeout=60_000)
        return self.page.locator(".js-plotly-plot").count()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.page.close()


def _expected_charts(html: str) -> int:
    """Static plotly figures plus the unit selector's charts, counted in the HTML."""
    return html.count('class="plotly-graph-div"') + len(re.findall(r'class="unit-chart"', html))


def test_county_report_offline(browser, county):
    html = county.read_text(encoding="utf-8")
    expected = _expected_charts(html)
    assert expected >= 10
    p = Opened(browser, county)
    assert p.charts(expected) == expected
    assert p.remote == [] and p.errors == []
    text = p.page.inner_text("body")
    assert "目录" in text and "附录" in text and "数据校验码" in text and "2023-12-31" in text
    # every chart drew its bars
    assert p.page.locator(".js-plotly-plot .trace.bars").count() >= expected - 2
    # numbers one click away: opening a table shows rows
    p.page.locator("#structure details summary").first.click()
    assert p.page.locator("#structure details[open] table tr").count() >= 3
    p.shot("report-county")
    p.close()


#: per unit chart: the placeholders drawn, and the hidden interior cells ("<5", "×") of its table
PLACEHOLDERS = """() => {
  const marks = [0, 1, 2, 3].map(i => document.getElementById('unit-chart-' + i)._fullData
    .filter(t => t.meta === 'qm-hidden').reduce((n, t) => n + (t.orientation === 'h' ? t.y : t.x).length, 0));
  const hidden = Array.from(document.querySelectorAll('.unit-tables table:not([hidden])')).map(t => {
    const head = Array.from(t.querySelectorAll('thead th')).map(th => th.textContent.trim());
    const total = head.indexOf('合计');
    let n = 0;
    t.querySelectorAll('tbody tr').forEach(tr => {
      const cells = Array.from(tr.children);
      if (cells[0].textContent.trim() === '合计') return;
      cells.forEach((td, j) => { const x = td.textContent.trim();
        if (j > 0 && j !== total && (x.startsWith('<') || x === '×' || x === '—')) n += 1; });
    });
    return n;
  });
  return [marks, hidden];
}"""


def test_unit_selector_changes_the_charts(browser, county, demo_db):
    con = qm.connect(demo_db)
    uid, name = con.execute(
        "select p.unit_id, u.name from posts p join units u using (unit_id) where p.end_date is null "
        "and u.kind = '乡镇街道' group by all order by count(*) desc limit 1").fetchall()[0]
    con.close()
    p = Opened(browser, county)
    p.charts(4)
    first = p.page.locator("#unit-chart-0 .gtitle").text_content()
    assert first.startswith("全辖区")
    table_before = p.page.locator(".unit-tables table:not([hidden])").first.text_content()
    p.page.select_option("#unit-select", uid)
    p.page.wait_for_function(
        f"document.querySelector('#unit-chart-0 .gtitle').textContent.startsWith({name!r})")
    assert p.page.locator("#unit-chart-0").get_attribute("data-unit") == uid
    for i in range(4):
        assert p.page.locator(f"#unit-chart-{i} .gtitle").text_content().startswith(name)
    assert p.page.locator(".unit-tables table:not([hidden])").first.text_content() != table_before
    # every hidden cell of the unit's tables is drawn as a placeholder in its chart, none dropped
    marks, hidden = p.page.evaluate(PLACEHOLDERS)
    assert marks == hidden and sum(hidden) > 0
    p.shot("report-county-unit-selected")
    # a unit kind's sum: its charts and tables
    p.page.select_option("#unit-select", unit_section.KIND + "乡镇街道")
    p.page.wait_for_function(
        "document.querySelector('#unit-chart-0 .gtitle').textContent.startsWith('乡镇街道合计')")
    assert p.page.locator(".unit-tables table:not([hidden])").count() == len(unit_section.CHARTS)
    assert p.page.locator(".js-plotly-plot .trace.bars").count() >= 4
    assert p.remote == [] and p.errors == []
    p.close()


def test_no_full_name_on_the_masked_page(browser, county, unmasked, names):
    u = Opened(browser, unmasked)
    unmasked_text = u.all_text()
    assert report.UNMASKED_STAMP in unmasked_text
    u.close()
    # the names the unmasked report shows are exactly the ones masking must hide
    listed = [n for n in names if len(n) >= 2 and n in unmasked_text]
    assert listed, "the unmasked report lists no names: the masking test would prove nothing"
    p = Opened(browser, county)
    text = p.all_text()
    assert [n for n in listed if n in text] == []
    assert "*" in text                      # the lists are there, masked (张*明)
    assert report.UNMASKED_STAMP not in text
    p.close()


def test_batch_index_and_a_unit_report_offline(browser, index):
    idx = Opened(browser, index)
    links = idx.page.locator("a[href$='.html']")
    assert links.count() >= 1
    idx.shot("report-towns-index")
    target = index.parent / links.first.get_attribute("href")
    idx.close()
    html = target.read_text(encoding="utf-8")
    assert target.stat().st_size <= 1_000_000 and f'<script src="{report.PLOTLY_FILE}">' in html
    expected = _expected_charts(html)
    assert expected >= 10
    p = Opened(browser, target)
    assert p.charts(expected) == expected
    assert p.page.locator(".js-plotly-plot .trace.bars").count() >= 4
    assert p.remote == [] and p.errors == []
    # plotly.js came from the folder's one shared file, read from disk
    shared = (index.parent / report.PLOTLY_FILE).resolve().as_uri()
    assert shared in p.requests
    assert p.page.locator("#plotly-missing").is_hidden()
    assert "与全辖区主要指标" in p.page.inner_text("body")
    p.shot("report-town")
    p.close()


def test_unit_report_copied_without_its_folder_says_so(browser, index, tmp_path):
    """A page sent on its own (without plotly.min.js): a notice asks for the folder; the tables
    are still there and nothing raises an error."""
    page = next(p for p in index.parent.glob("*.html") if p.name != "index.html")
    alone = tmp_path / page.name
    shutil.copy(page, alone)
    p = Opened(browser, alone)
    p.page.wait_for_selector("#plotly-missing", state="visible")
    assert report.PLOTLY_FILE in p.page.inner_text("#plotly-missing")
    assert p.page.locator(".js-plotly-plot").count() == 0
    assert p.page.locator("#units table.compare tr").count() >= 5
    assert p.remote == []
    assert [e for e in p.errors if "plotly.min.js" not in e and "ERR_FILE_NOT_FOUND" not in e] == []
    p.shot("report-town-alone")
    p.close()


def test_print_layout_opens_tables_and_breaks_sections(browser, county):
    p = Opened(browser, county)
    p.charts(4)
    p.page.emulate_media(media="print")
    assert p.page.evaluate(
        "getComputedStyle(document.querySelector('#training')).breakBefore") in ("page", "always")
    pdf = p.page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    p.close()
