"""Every notebook exports to one offline HTML page without code (``make export``): plotly.js
embedded once, nothing fetched from the web, no widget left (a widget without a kernel is
dead), the figures of the explorers drawn for the parameter values, names masked. The pages are
then opened from file:// in Debian's Chromium with every other request blocked, and a full-page
screenshot of each is kept in ``reports/test-artifacts/``.

The export runs once per test session, shared by the xdist workers (the first one exports, under
a file lock; the others read its result)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import duckdb
import nbformat
import pytest

from qingmiao_lib.notebook_export import export_notebooks, main, notebooks_in

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "reports" / "test-artifacts"
NOTEBOOKS = [p.stem for p in notebooks_in()]

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def _lock(path: Path):
    """An exclusive lock on ``path`` while the with-block runs (no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux/macOS
        from contextlib import nullcontext
        return nullcontext()

    class Lock:
        def __enter__(self):
            self.f = open(path, "w")
            fcntl.flock(self.f, fcntl.LOCK_EX)

        def __exit__(self, *exc):
            fcntl.flock(self.f, fcntl.LOCK_UN)
            self.f.close()

    return Lock()


@pytest.fixture(scope="module")
def exported(demo_db, tmp_path_factory) -> dict:
    """{"html": {stem: path}, "executed": {stem: path}, "seconds": float, "db": path}."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    where = shared / "notebook-export"
    done = where / "done.json"
    with _lock(shared / "notebook-export.lock"):
        if not done.exists():
            start = time.perf_counter()
            html = export_notebooks(demo_db, where / "html", year=2023, executed_dir=where / "executed",
                                    progress=False)
            seconds = time.perf_counter() - start
            done.write_text(json.dumps({"seconds": seconds, "db": str(demo_db),
                                        "html": [str(p) for p in html]}), "utf-8")
    info = json.loads(done.read_text("utf-8"))
    print(f"\nexport of {len(info['html'])} notebooks: {info['seconds']:.1f} s")
    return {"html": {Path(p).stem: Path(p) for p in info["html"]},
            "executed": {s: where / "executed" / f"{s}.ipynb" for s in NOTEBOOKS},
            "seconds": info["seconds"], "db": Path(info["db"])}


@pytest.fixture(scope="module")
def full_names(exported) -> list[str]:
    con = duckdb.connect(str(exported["db"]), read_only=True)
    try:
        return [n for (n,) in con.execute("select distinct name from persons").fetchall() if n]
    finally:
        con.close()


def _figures_in(nb) -> int:
    """Plotly figures the executed notebook displays: the divs plotly's HTML renderer writes."""
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            html = out.get("data", {}).get("text/html", "")
            count += ("".join(html) if isinstance(html, list) else html).count('class="plotly-graph-div"')
    return count


def _headings(stem: str) -> list[str]:
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return [m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
            for m in re.finditer(r"^#{1,3}\s+(.+)$", c.source, re.M)]


def test_every_notebook_is_exported(exported):
    assert sorted(exported["html"]) == NOTEBOOKS
    assert all(p.is_file() and p.suffix == ".html" for p in exported["html"].values())
    assert not list(next(iter(exported["html"].values())).parent.glob("*.part"))


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_exported_page_is_offline_without_code_or_widgets(exported, stem):
    html = exported["html"][stem].read_text("utf-8")
    assert not REMOTE.search(html), REMOTE.search(html).group(0)
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1          # embedded exactly once
    for left in ("<input", "<select", "<textarea", "widget-view+json", "widget-state+json",
                 "require.min.js", "html-manager", "cdnjs", "tex-svg", 'class="jp-CodeMirrorEditor', "hl-ipython3",
                 "In&nbsp;["):
        assert left not in html, left
    assert "qm.connect(" not in html and "import qingmiao_lib" not in html   # no code
    text = re.sub(r"<[^>]+>", " ", html)
    for heading in _headings(stem):
        plain = re.sub(r"[*`]", "", heading)
        assert plain in text, heading
    assert re.search(r"<title>[^<]*[\u4e00-\u9fff]", html)   # the notebook's Chinese title


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_executed_notebook_ran_in_export_mode(exported, stem):
    nb = nbformat.read(exported["executed"][stem], as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert "widgets" not in nb.metadata
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "export = True" in injected[0].source
    assert _figures_in(nb) >= 1


def test_explorers_say_which_values_they_show(exported):
    for stem in ("01-cohort-structure", "02-training-coverage", "03-evaluation-outcomes",
                 "04-pipeline-and-promotion", "05-person-profile"):
        assert "导出版本（无交互控件）" in exported["html"][stem].read_text("utf-8"), stem


def test_command_line_errors_are_one_line(capsys, tmp_path, demo_db):
    assert main(["--year", "abc"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "年份" in err
    assert main(["--db", str(demo_db), "--year", "1950", "--out", str(tmp_path)]) == 2
    assert "不在数据年份" in capsys.readouterr().err
    assert main(["--db", str(demo_db), "--out", str(tmp_path), "99-no-such"]) == 2
    assert "找不到笔记本" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.html"))


# ----------------------------------------------------------------------------- in a browser



@pytest.mark.browser
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_exported_page_opens_offline_and_draws(browser, exported, full_names, stem):
    path = exported["html"][stem]
    expected = _figures_in(nbformat.read(exported["executed"][stem], as_version=4))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:")):
            route.continue_()
        else:
            requests.append(url)
            route.abort()

    page.route("**/*", guard)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}", timeout=30_000)
    try:
        assert requests == []
        assert errors == []
        assert page.locator(".js-plotly-plot").count() == expected
        text = page.inner_text("body")
        leaked = sorted({n for n in full_names if len(n) >= 2 and n in text})
        assert leaked == [], f"unmasked names in {stem}: {leaked[:5]}"
        if stem == "05-person-profile":  # one person, the name masked (张*明)
            assert re.search(r"[\u4e00-\u9fff]\*+[\u4e00-\u9fff]?（", text)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"notebook-{stem}.png"), full_page=True)
        page.close()
