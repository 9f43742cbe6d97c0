"""Every notebook exports to one offline HTML page without code (``make export``): plotly.js
embedded once, nothing fetched from the web, no widget left (a widget without a kernel is
dead), the figures of the explorers drawn for the parameter values, names masked. The pages are
then opened from file:// in Debian's Chromium with every other request blocked, and a full-page
screenshot of each is kept in ``reports/test-artifacts/``.

The export runs once per test session, shared by the xdist workers (the first one exports, under
a file lock; the others read its result)."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import duckdb
import nbformat
import numpy as np
import pytest
from conftest import built_once

from qingmiao_lib.notebook_export import export_notebooks, main, notebooks_in, stamp
from qingmiao_lib.published import STAMPS, Publisher, protect_figure

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "reports" / "test-artifacts"
NOTEBOOKS = [p.stem for p in notebooks_in()]

pytestmark = [pytest.mark.notebook, pytest.mark.slow]

REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def exported(demo_db, tmp_path_factory) -> dict:
    """{"html": {stem: path}, "executed": {stem: path}, "seconds": float, "db": path}: the seven
    notebooks exported once for the run (the first worker to ask exports, the others read it)."""

    def export(where: Path) -> None:
        start = time.perf_counter()
        html = export_notebooks(demo_db, where / "html", year=2023, executed_dir=where / "executed",
                                progress=False, release_dir=where / "release")
        (where / "done.json").write_text(json.dumps({"seconds": time.perf_counter() - start, "db": str(demo_db),
                                                     "html": [str(p) for p in html]}), "utf-8")

    where = built_once(tmp_path_factory, "notebook-export", export)
    info = json.loads((where / "done.json").read_text("utf-8"))
    print(f"\nexport of {len(info['html'])} notebooks: {info['seconds']:.1f} s")
    return {"html": {Path(p).stem: Path(p) for p in info["html"]}, "release": where / "release",
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
    # embedded exactly once (none in the circulated person profile, which draws no figure)
    assert len(re.findall(r"\* plotly\.js v\d", html)) == (0 if stem == "05-person-profile" else 1)
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
    assert "audience = \"circulation\"" in injected[0].source
    # every page draws figures, but the circulated person profile: a person's record is withheld
    assert _figures_in(nb) >= (0 if stem == "05-person-profile" else 1)


def test_explorers_say_which_values_they_show(exported):
    for stem in ("01-cohort-structure", "02-training-coverage", "03-evaluation-outcomes",
                 "04-pipeline-and-promotion"):   # 05 circulated shows no person (see below)
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
        if stem == "05-person-profile":  # circulated: no person's record, a note instead
            assert "传阅版不含个人成长档案" in text
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"notebook-{stem}.png"), full_page=True)
        page.close()


# ------------------------------------------------------------------- disclosure by audience

_DEC = json.JSONDecoder()
#: Table columns whose whole numbers are not counts: calendar years, quarters, ages, durations.
_NOT_COUNTS = re.compile(r"年度|年份|季度|年数|年龄|学时|天数|月数|起始|截止|时间|日期|编号|代码")
_WHOLE = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)\s*$")


def _plotly_figures(html: str) -> list[tuple[list, dict]]:
    """(data, layout) of every ``Plotly.newPlot("id", data, layout, config)`` in a page."""
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', html):
        data, end = _DEC.raw_decode(html, m.end())
        end = html.index(",", end) + 1
        while html[end].isspace():
            end += 1
        layout, _ = _DEC.raw_decode(html, end)
        out.append((data, layout))
    return out


def _array(v) -> list:
    """A trace attribute as a list: plotly writes numpy arrays as {"dtype", "bdata"}."""
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        shape = [int(n) for n in str(v["shape"]).split(",")] if "shape" in v else [-1]
        return arr.reshape(shape).tolist()
    return v if isinstance(v, list) else [] if v is None else [v]


def _flat(v) -> list:
    out = []
    for x in _array(v):
        out.extend(_flat(x) if isinstance(x, (list, dict)) else [x])
    return out


def _small(v, t: int) -> bool:
    if isinstance(v, str):
        m = _WHOLE.match(v)
        return bool(m) and 0 < int(m.group(1).replace(",", "")) < t
    return isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and 0 < abs(v) < t


def published_small_counts(html: str, t: int) -> list[str]:
    """Every count between 1 and t−1 a page publishes: in a chart's count data (the values of a
    bar, line or funnel whose values are whole numbers; customdata, text and hover entries that
    are whole numbers) or in an HTML table's count cells."""
    found = []
    for data, layout in _plotly_figures(html):
        title = (layout.get("title") or {}).get("text", "")
        for tr in data:
            if tr.get("type") in ("bar", "scatter", "funnel"):
                axis = "x" if tr.get("type") == "funnel" or tr.get("orientation") == "h" else "y"
                values = [v for v in _flat(tr.get(axis)) if isinstance(v, (int, float))]
                if values and all(float(v).is_integer() for v in values):
                    found += [f"{title} · {tr.get('name')} · {axis}={v}" for v in values if _small(v, t)]
            for key in ("customdata", "text", "hovertext"):
                found += [f"{title} · {tr.get('name')} · {key}={v}" for v in _flat(tr.get(key))
                          if isinstance(v, str) and _small(v, t)]
    for table in re.findall(r"<table\b.*?</table>", html, re.S):
        heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S)]
        for row in re.findall(r"<tr\b.*?</tr>", table, re.S):
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S)]
            offset = len(heads) - len(cells) if len(heads) > len(cells) else 0   # a header row above
            for i, cell in enumerate(cells):
                head = heads[i + offset] if i + offset < len(heads) else ""
                if not _NOT_COUNTS.search(head) and _small(cell, t):
                    found.append(f"table [{head}] = {cell}")
    return found


@pytest.fixture(scope="module")
def threshold(exported) -> int:
    import qingmiao_lib as qm

    con = qm.connect(exported["db"])
    try:
        return qm.privacy.small_cell_threshold(con)
    finally:
        con.close()


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_circulated_page_publishes_no_small_count(exported, threshold, stem):
    html = exported["html"][stem].read_text("utf-8")
    assert published_small_counts(html, threshold) == []
    assert not any(s in html for s in STAMPS.values())      # a circulated page carries no stamp


def test_the_unprotected_export_would_have_failed_the_check(exported, threshold):
    """The check can fail: the executed notebook's figures, protected again, differ from what
    an unprotected chart of the same frame publishes."""
    import datetime as dt

    import qingmiao_lib as qm

    con = qm.connect(exported["db"])
    try:
        pyr = qm.structure.age_pyramid(con, as_of=dt.date(2023, 12, 31), band_years=1, young_only=True)
    finally:
        con.close()
    raw = qm.charts.pyramid(pyr)
    def as_page(fig) -> str:   # the call plotly's notebook renderer writes
        spec = json.loads(fig.to_json())
        return f'<div>Plotly.newPlot("a", {json.dumps(spec["data"])}, {json.dumps(spec["layout"])}, {{}})</div>'

    assert published_small_counts(as_page(raw), threshold)           # 1-year bands: small counts
    protected = protect_figure(raw, threshold)
    assert published_small_counts(as_page(protected), threshold) == []
    hidden = [tr for tr in protected.data if tr.name == "未显示"]
    assert hidden and len(hidden[0].x) == sum(v is None for tr in protected.data[:2] for v in tr.x)
    assert "未绘出" in protected.layout.title.text                   # the chart says so


def test_circulated_copy_withholds_person_lists_and_profiles(exported, full_names):
    for stem, what in (("02-training-coverage", "待办名单"), ("03-evaluation-outcomes", "苗头性问题预警名单"),
                       ("04-pipeline-and-promotion", "满足任职年限人员名单"), ("05-person-profile", "个人成长档案")):
        html = exported["html"][stem].read_text("utf-8")
        assert "传阅版不含" in html and what in html, stem
        assert not re.search(r"<th[^>]*>\s*姓名\s*</th>", html), stem        # no list with names
    assert "plotly-graph-div" not in exported["html"]["05-person-profile"].read_text("utf-8")


@pytest.fixture(scope="module")
def stamped(demo_db, tmp_path_factory) -> dict[str, Path]:
    """The start-here notebook exported for the two stamped audiences (one notebook each)."""
    out = {}
    for audience in ("internal", "unmasked"):
        where = tmp_path_factory.mktemp(f"export-{audience}")
        (out[audience],) = export_notebooks(demo_db, where, year=2023, notebooks=["00"],
                                            audience=audience, progress=False)
    return out


@pytest.mark.parametrize("audience", ["internal", "unmasked"])
def test_stamped_audiences_carry_their_stamp_at_the_top(stamped, threshold, audience):
    html = stamped[audience].read_text("utf-8")
    body = html[html.index("<body"):]
    first_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body[: body.index("</div>") + 6])).strip()
    assert first_text == STAMPS[audience]                              # the first thing on the page
    assert re.search(rf"<title>【{STAMPS[audience]}】", html)
    assert published_small_counts(html, threshold)                     # exact counts: not protected


def test_stamp_is_refused_without_a_body():
    from qingmiao_lib.notebook_export import NotOffline

    assert stamp("<html><body><p>x</p></body></html>", "circulation") == "<html><body><p>x</p></body></html>"
    assert STAMPS["internal"] in stamp("<html><body class='a'><p>x</p></body></html>", "internal")
    with pytest.raises(NotOffline):
        stamp("<p>x</p>", "unmasked")


def test_unmasked_and_audience_options(capsys, tmp_path, demo_db):
    assert main(["--db", str(demo_db), "--out", str(tmp_path), "--unmasked", "--audience", "internal"]) == 2
    assert "--unmasked" in capsys.readouterr().err
    assert main(["--db", str(demo_db), "--out", str(tmp_path), "--audience", "everyone"]) == 2
    assert not list(tmp_path.glob("*.html"))


def test_publisher_protects_a_table_with_its_relations():
    import pandas as pd

    pub = Publisher(None, export=True, audience="circulation", threshold=5)
    df = pd.DataFrame({"rule": ["a", "b"], "obligations": [30, 12], "covered": [20, 6],
                       "pending": [9, 4], "missing": [1, 2], "coverage": [0.95, 0.75]})
    shown = pub.frame(df, counts=["obligations", "covered", "pending", "missing"],
                      relations={"obligations": ["covered", "pending", "missing"]},
                      shares={"coverage": ["missing"]})
    # missing 1 and 2 are "<5"; one more cell of each row hidden so that no row gives them away
    assert shown["missing"].tolist() == ["<5", "<5"]
    assert (shown.loc[0, ["obligations", "covered", "pending"]] == "×").sum() >= 1
    assert (shown.loc[1, ["obligations", "covered", "pending"]].isin(["×", "<5"])).sum() >= 1
    assert shown["coverage"].tolist() == ["—", "—"]
    internal = Publisher(None, export=True, audience="internal", threshold=5)
    assert internal.frame(df, counts=["missing"]) is df and internal.count(3) == "3"
    assert pub.count(3) == "<5" and pub.count(0) == "0" and pub.count(12) == "12"
    assert not pub.names(True) and not internal.names(True)
    assert Publisher(None, export=True, audience="unmasked").names() is True


# ------------------------------------------------------- read together with the county report


def test_notebooks_print_the_county_report_figures_in_its_states(exported):
    """The grade chart of 03 repeats the county report's 年度考核等次分布（按年龄段）: every figure
    both print has the county's state, and the county's merged 基本称职及以下 is the sum of the
    chart's two categories (tied, so neither gives the other away)."""
    from qingmiao_lib import _ledger

    problem, status = _ledger.printed(exported["release"])
    county = "county·年度考核等次分布（按年龄段）"
    mine = [n for n in status if n.startswith("笔记本03-") and n.endswith("考核等次分布")]
    assert county in problem.tables and mine
    c, cstate, cp = problem.tables[county].values, problem.tables[county], problem.compile()
    same = 0
    for name in mine:
        t = problem.tables[name].values
        for r in t.index.intersection(c.index):
            for col in t.columns.intersection(c.columns):
                if t.at[r, col] == c.at[r, col]:
                    same += 1
                    cslot, nslot = cstate[r, col], problem.tables[name][r, col]
                    assert cp.canon[cslot] == cp.canon[nslot], (name, r, col)
        assert {"基本称职", "不称职"} <= set(t.columns)              # the chart's own categories
    assert same >= 8


def test_report_unit_reports_and_notebooks_read_together_pin_nothing(exported, demo_db, tmp_path, monkeypatch):
    """The linked-table attack of issue 18: an LP over every published number of the 2023
    county report, a batch of unit reports (three towns) and the seven exported notebooks, with
    every relation a reader knows between them (the same figures are one; a county cell is the
    sum of its units' and of an unpublished rest; a merged county category is the sum of a
    notebook's categories), pins no hidden small count."""
    import qingmiao_lib as qm
    from qingmiao_lib import _ledger, report
    from qingmiao_lib import units as unit_list
    from qingmiao_lib.sdc._union import union
    from qingmiao_lib.sections import _release

    problem, nb_status = _ledger.printed(exported["release"])
    con = qm.connect(demo_db)
    seen = {}
    real = _release.tie_batch

    def spy(base, county, parts):
        seen.update(base=base)
        return real(base, county, parts)

    monkeypatch.setattr(_release, "tie_batch", spy)
    try:
        s = report.shared_parts(con, year=2023)
        towns = [u for u, _, k in unit_list.with_posts(con, as_of=s.as_of) if k == "乡镇街道"][:3]
        report.write_unit_reports(con, year=2023, out_dir=tmp_path / "towns", units=towns, progress=False)
    finally:
        con.close()
    units = seen["base"]
    joint = union({"nb": problem, "units": units.problem})
    # both hold the county report's tables ("county·…"): one county report, the same cells
    n = 0
    for name in problem.tables:
        if name.startswith("county·") and name in units.problem.tables:
            other = joint.tables[f"units·{name}"]
            mine = joint.tables[f"nb·{name}"]
            assert mine.values.equals(other.values)
            for r in mine.ids.index:
                for c in mine.ids.columns:
                    joint.link(int(mine.ids.at[r, c]), int(other.ids.at[r, c]))
                    n += 1
    assert n > 1000
    res = units.result
    status = {f"nb·{k}": v for k, v in nb_status.items()}
    status |= {f"units·{k}": res[k].status for k in res.tables if k not in units.problem.unpublished}
    small = [k for k, v in status.items() if k.startswith("nb·笔记本") and (v == "primary").any().any()]
    assert small                                               # the notebooks do hide small counts
    assert _release.pinned_printed(joint, status) == []
