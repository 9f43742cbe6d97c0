"""The full report and the batch of unit reports, read as HTML (the browser tests open them in
Chromium): cover, contents, last year's figures, appendix, checksum, unmasked stamp, unit
selector data, batch index, and the CLI's manners for the new options."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import qingmiao_lib as qm
from qingmiao_lib import report
from qingmiao_lib.sections import units as unit_section


@pytest.fixture(scope="module")
def county(demo_db, tmp_path_factory):
    con = qm.connect(demo_db)
    out = report.write_report(con, year=2023, out=tmp_path_factory.mktemp("rep") / "county.html")
    con.close()
    return out.read_text(encoding="utf-8")


def _unit_payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="unit-data">(.*?)</script>', html, re.S)
    assert m, "the unit selector's data is missing"
    return json.loads(m.group(1))


def test_cover_contents_and_appendix(county, demo_db):
    con = qm.connect(demo_db)
    classification = con.execute("select rule_txt('report.classification')").fetchall()[0][0]
    version = qm.db.rules_version(con)
    con.close()
    cover = county.split('<nav class="toc"', 1)[0]
    assert classification in cover and "2023-12-31" in cover and "2023 年" in cover
    toc = re.search(r'<nav class="toc".*?</nav>', county, re.S).group(0)
    for anchor in ("headline", "structure", "training", "evaluation", "pipeline", "units", "appendix"):
        assert f'href="#{anchor}"' in toc and f'id="{anchor}"' in county
    appendix = county.split('id="appendix"', 1)[1]
    # definitions carry the rules' values; the stamp has the rules version and a checksum
    assert "未满40周岁" in appendix and "20%" in appendix and version in appendix
    assert re.search(r"数据校验码</td><td><code>[0-9a-f]{16}</code>", appendix)
    assert "披露控制记录" in appendix and "&lt;5" in appendix


def test_plotly_embedded_once_and_no_network_address(county):
    assert county.count("Plotly.newPlot") >= 1  # the static charts
    # plotly.js's own source carries a version banner once
    assert len(re.findall(r"plotly\.js v\d+\.\d+\.\d+", county)) == 1
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', county)


def test_headline_has_last_years_values(county, demo_db):
    con = qm.connect(demo_db)
    last = qm.figures.headline(con, year=2022).set_index("code")["value"]
    con.close()
    rows = re.findall(r"<tr><td>(F\d)</td><td>.*?</td><td class=\"num\">(.*?)</td>\s*<td class=\"num\">(.*?)</td>",
                      county, re.S)
    assert len(rows) == 9
    for code, _, prev in rows:
        assert prev.split("（")[0].replace(",", "") == str(last[code])


def test_unit_selector_has_every_unit_and_no_suppressed_value(county, demo_db):
    payload = _unit_payload(county)
    con = qm.connect(demo_db)
    staffed = {u for (u,) in con.execute(
        "select distinct unit_id from posts where start_date <= date '2023-12-31' "
        "and (end_date is null or end_date > date '2023-12-31')").fetchall()}
    con.close()
    assert set(payload["figures"]) == staffed | {unit_section.ALL}
    assert payload["first"] == unit_section.ALL
    # a suppressed cell ("<5" or "×") is drawn as a gap: its value is not in the page
    for specs in payload["figures"].values():
        assert len(specs) == len(unit_section.CHARTS)
        for spec in specs:
            for trace in spec["data"]:
                values = trace.get("x") if trace.get("orientation") == "h" else trace.get("y")
                for v, shown in zip(values, trace["customdata"], strict=True):
                    if shown.startswith("<") or shown == "×":
                        assert v is None
                    else:
                        assert abs(v) == int(shown.replace(",", ""))


def test_checksum_follows_the_records(demo_db, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    con = qm.connect(copy)
    first = report.data_checksum(con)
    assert report.data_checksum(con) == first
    con.close()
    con = qm.connect(copy, read_only=False)
    qm.db.refresh_snapshots(con)                      # derived tables are not records
    assert report.data_checksum(con) == first
    con.execute("update persons set name = name || '甲' where person_id = "
                "(select min(person_id) from persons)")
    assert report.data_checksum(con) != first
    con.close()


def test_unmasked_is_stamped(demo_db, tmp_path):
    con = qm.connect(demo_db)
    masked = report.render_report(con, year=2023)
    unmasked = report.render_report(con, year=2023, unmasked=True)
    con.close()
    assert report.UNMASKED_STAMP not in masked
    assert unmasked.count(report.UNMASKED_STAMP) >= 3       # banner, print stamp, footer
    assert 'class="page-stamp"' in unmasked and "position: fixed" in unmasked


def test_unit_report_is_the_units_slice(demo_db):
    con = qm.connect(demo_db)
    uid, name = con.execute(
        "select p.unit_id, u.name from posts p join units u using (unit_id) where p.end_date is null "
        "group by all order by count(*) desc limit 1").fetchall()[0]
    html = report.render_report(con, year=2023, units=[uid])
    con.close()
    payload = _unit_payload(html)
    assert list(payload["figures"]) == [uid, unit_section.ALL] and payload["first"] == uid
    assert f'<p class="unit">{name}</p>' in html
    assert "与全辖区主要指标" in html
    assert html.index('id="units"') < html.index('id="structure"')


def test_batch_writes_one_report_per_unit_and_an_index(demo_db, tmp_path):
    con = qm.connect(demo_db)
    towns = [u for (u,) in con.execute(
        "select unit_id from units where kind = '乡镇街道' and unit_id in "
        "(select unit_id from posts where end_date is null) order by unit_id").fetchall()]
    index = report.write_unit_reports(con, year=2023, out_dir=tmp_path / "towns", unit_kind="乡镇街道",
                                      progress=False)
    con.close()
    files = sorted(p.name for p in (tmp_path / "towns").glob("*.html") if p.name != "index.html")
    assert [f.split("-")[0] for f in files] == towns
    text = index.read_text(encoding="utf-8")
    for f in files:
        assert f'href="{f}"' in text
    assert not list((tmp_path / "towns").glob("*.part"))


def run(*argv):
    return subprocess.run([sys.executable, "-m", "qingmiao_lib.cli", *argv],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("argv, code, needle", [
    (["--unit-kind", "乡镇街道"], 2, "--by-unit"),
    (["--by-unit", "--units", "NOPE"], 1, "NOPE"),
    (["--units", "NOPE"], 1, "NOPE"),
])
def test_report_options_fail_in_one_line(demo_db, tmp_path, argv, code, needle):
    proc = run("report", "--db", str(demo_db), "--year", "2023", "--out", str(tmp_path / "x"), *argv)
    assert proc.returncode == code, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
