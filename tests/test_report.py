"""The full report and the batch of unit reports, read as HTML (the browser tests open them in
Chromium): cover, contents, last year's figures, appendix, checksum, unmasked stamp, unit
selector data (bounded: the unit kinds and the largest units), batch index, safe file names from
hostile unit codes, the shared plotly.js of the batch, and the CLI's manners for the new options."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import numpy as np
import pytest
from plotly.offline import get_plotlyjs
from test_cli import run  # qingmiao inside this process, answered as a child process would

import qingmiao_lib as qm
from qingmiao_lib import report, sections
from qingmiao_lib.charts._base import HIDDEN_META, HIDDEN_NAME
from qingmiao_lib.sections import units as unit_section


@pytest.fixture(scope="module")
def county(demo_county_report):
    """The 2023 county report's HTML (``qingmiao report``), written once for the run (conftest)."""
    return demo_county_report.read_text(encoding="utf-8")


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
    rows = re.findall(r"<tr><td>(F\d)</td><td>.*?</td>\s*<td class=\"num\">(.*?)</td>\s*<td class=\"num\">(.*?)</td>",
                      county, re.S)
    assert len(rows) == 9
    for code, _, prev in rows:   # a small count stands as "<5" (a headline has nothing to hide among)
        want = "&lt;5" if 0 < last[code] < 5 else str(last[code])
        assert prev.split("（")[0].replace(",", "") == want


def test_unit_selector_has_every_unit_and_no_suppressed_value(county, demo_db):
    payload = _unit_payload(county)
    con = qm.connect(demo_db)
    staffed = {u for (u,) in con.execute(
        "select distinct unit_id from posts where start_date <= date '2023-12-31' "
        "and (end_date is null or end_date > date '2023-12-31')").fetchall()}
    con.close()
    kinds = {unit_section.KIND + k for (k,) in con_kinds(demo_db, staffed)}
    assert len(staffed) <= unit_section.SELECTOR_UNITS      # the small demo: every unit offered
    assert set(payload["figures"]) == staffed | {unit_section.ALL} | kinds
    assert payload["first"] == unit_section.ALL
    assert "selector-scope" not in county                    # nothing left out, nothing to say
    # a suppressed cell ("<5" or "×") has no value in the page: a grey hatched placeholder of one
    # fixed size (not a count) stands in its place, right after its series
    hidden_seen = 0
    for specs in payload["figures"].values():
        assert len(specs) == len(unit_section.CHARTS)
        for spec in specs:
            sizes = set()
            for i, trace in enumerate(spec["data"]):
                h = trace.get("orientation") == "h"
                values, cats = (trace["x"], trace["y"]) if h else (trace["y"], trace["x"])
                if trace.get("meta") == HIDDEN_META:
                    sizes |= {abs(v) for v in values}
                    continue
                hidden = [c for v, c in zip(values, cats, strict=True) if v is None]
                for v, shown in zip(values, trace["customdata"], strict=True):
                    if shown.startswith("<") or shown in ("×", unit_section.WITHHELD_CELL):
                        assert v is None
                    else:
                        assert abs(v) == int(shown.replace(",", ""))
                if hidden:
                    hidden_seen += len(hidden)
                    mark = spec["data"][i + 1]
                    assert mark["meta"] == HIDDEN_META and mark["name"] == HIDDEN_NAME
                    assert (mark["y"] if h else mark["x"]) == hidden
            assert len(sizes) <= 1 and all(x != int(x) for x in sizes)   # one size, never a whole count
    assert hidden_seen > 0                 # the small demo's units do hide cells


def con_kinds(db, ids) -> list:
    con = qm.connect(db)
    rows = con.execute("select distinct kind::varchar from units where unit_id in (select unnest($ids))",
                       {"ids": sorted(ids)}).fetchall()
    con.close()
    return rows


@pytest.fixture(scope="module")
def ctx_args(demo_db):
    con = qm.connect(demo_db)
    yield {"con": con, "year": 2023, "as_of": dt.date(2023, 12, 31), "threshold": 5}
    con.close()


def test_selector_offers_the_kinds_and_the_largest_units_and_says_where_the_rest_are(ctx_args):
    con = ctx_args["con"]
    active = qm.structure.headcount(con, as_of=ctx_args["as_of"], by=["unit"])
    ids = dict(con.execute("select name, unit_id from units").fetchall())
    active = active[active["unit_name"].isin(ids)].assign(unit_id=lambda d: d["unit_name"].map(ids))
    biggest = active.sort_values(["persons", "unit_id"], ascending=[False, True]).head(3)
    assert len(active) > 3
    ctx = sections.Context(**ctx_args)
    sec = unit_section.build(ctx, max_units=3)
    payload = _unit_payload(str(sec.html))
    kinds = [k for k in payload["figures"] if k.startswith(unit_section.KIND)]
    assert kinds and kinds[0] == unit_section.KIND + "市直机关"
    units = [k for k in payload["figures"] if k != unit_section.ALL and k not in kinds]
    assert sorted(units) == sorted(biggest["unit_id"])
    # every offered table is protected and logged; nothing is computed for the units left out
    assert len(ctx.log) == (1 + len(kinds) + 3) * len(unit_section.CHARTS)
    note = re.search(r'<p class="note selector-scope"[^>]*>(.*?)</p>', str(sec.html), re.S).group(1)
    assert f"其余 {len(active) - 3:,} 个单位" in note and "--by-unit" in note
    # the options in the page: the jurisdiction, the kinds' group, then the units by kind
    labels = re.findall(r'<optgroup label="(.*?)">', str(sec.html))
    assert labels[0] == "单位类别（合计）"
    assert f'<option value="{unit_section.KIND}乡镇街道">乡镇街道合计</option>' in str(sec.html)


def test_kind_tables_sum_their_units_and_unit_tables_match_the_library(ctx_args):
    con = ctx_args["con"]
    g = unit_section.gather(sections.Context(**ctx_args), max_units=None)
    assert g.left_out == 0 and len(g.units) == len(g.listing)
    for kind_id, _ in g.kinds:
        members = g.units.loc[g.units["unit_kind"] == kind_id.removeprefix(unit_section.KIND), "unit_id"]
        for key, _, _ in unit_section.CHARTS:
            total = sum(getattr(g.tables[u], key).to_numpy() for u in members)
            assert np.array_equal(getattr(g.tables[kind_id], key).to_numpy(), total), (kind_id, key)
            # the jurisdiction holds every kind (and the persons without a post)
            assert (getattr(g.tables[unit_section.ALL], key).to_numpy() >= total).all()
    # one unit's tables, summed by numpy from the grouped frames, against the library sliced to it
    uid = g.units.sort_values("persons").iloc[-1]["unit_id"]
    grades = qm.evaluation.grade_distribution(con, year=2023, by="unit", units=[uid])
    expected = grades.set_index("grade")["persons"].reindex(unit_section.GRADE_ORDER, fill_value=0)
    assert g.tables[uid].grades.loc["人数"].tolist() == expected.astype(int).tolist()
    cov = qm.training.coverage_matrix(con, year=2023, as_of=dt.date(2023, 12, 31), by="unit", units=[uid])
    got = g.tables[uid].training
    for r in cov.itertuples():
        assert got.loc[r.rule].tolist() == [r.covered, r.pending, r.missing]
    pyr = qm.structure.headcount(con, as_of=dt.date(2023, 12, 31), by=["age_band", "gender"], young=True,
                                 units=[uid])
    assert int(g.tables[uid].pyramid.to_numpy().sum()) == int(pyr["persons"].sum())
    for r in pyr.itertuples():
        assert g.tables[uid].pyramid.at[r.age_band, r.gender] == r.persons


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


def test_unmasked_is_stamped(county, demo_unmasked_report):
    unmasked = demo_unmasked_report.read_text(encoding="utf-8")     # --unmasked, written once for the run
    assert report.UNMASKED_STAMP not in county
    assert unmasked.count(report.UNMASKED_STAMP) >= 3       # banner, print stamp, footer
    assert 'class="page-stamp"' in unmasked and "position: fixed" in unmasked


def test_unit_report_is_the_units_slice(demo_db):
    """``qingmiao report --units U`` on its own: without a batch's cache, the unit report builds
    the county report's protection it follows itself (the only test of that path)."""
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


def test_batch_writes_one_report_per_unit_and_an_index(demo_db, demo_towns):
    con = qm.connect(demo_db)
    towns = [u for (u,) in con.execute(
        "select unit_id from units where kind = '乡镇街道' and unit_id in "
        "(select unit_id from posts where end_date is null) order by unit_id").fetchall()]
    con.close()
    # write_unit_reports(unit_kind="乡镇街道") into a folder of its own, once for the run (conftest)
    index = demo_towns["index"]
    folder = index.parent
    files = sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")
    assert [f.split("-")[0] for f in files] == towns
    text = index.read_text(encoding="utf-8")
    for f in files:
        assert f'href="{f}"' in text
    assert sorted(os.listdir(folder)) == sorted([*files, "index.html", report.PLOTLY_FILE])  # no temp file
    # one plotly.js for the folder, the package's own; each page refers to it and embeds none
    assert (folder / report.PLOTLY_FILE).read_text(encoding="utf-8") == get_plotlyjs()
    for f in files:
        page = (folder / f).read_text(encoding="utf-8")
        assert f'<script src="{report.PLOTLY_FILE}"></script>' in page
        assert not re.search(r"plotly\.js v\d+\.\d+\.\d+", page)
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)
        assert (folder / f).stat().st_size <= 1_000_000


HOSTILE = ["../../x", "a/b", "a_b", "..", "CON", "U" * 300, "a:b", ".hidden", "x\x00y", "INDEX"]


def test_unit_file_names_are_plain_bounded_and_distinct():
    files = report.unit_file_names([(u, "镇/街道..") for u in HOSTILE] + [("index", "")])
    assert len({f.casefold() for f in files}) == len(files)
    for f in files:
        assert f.endswith(".html") and "/" not in f and "\\" not in f and ".." not in f
        assert not f.startswith(".") and "\x00" not in f
        assert len(f.encode()) <= 255 and f.casefold() not in ("index.html", "plotly.min.js")
        assert f.split(".")[0].upper() not in ("CON", "NUL", "PRN", "AUX")
    # a/b, a_b and a:b sanitise to one stem: the later ones get a suffix, in the order given
    assert files[1] == "a_b-镇_街道.html" and files[2] == "a_b-镇_街道-2.html" and files[6] == "a_b-镇_街道-3.html"
    long = files[5]
    assert long.startswith("UUUU") and "~" in long          # shortened, with a hash of the code


def _hostile_db(db, codes):
    for i, code in enumerate(codes):
        db.add("units", unit_id=code, name="测试单位" if i % 2 else "镇/街道..")
        for j in range(2):
            pid = f"P{i}-{j}"
            db.add("persons", person_id=pid, birth_date=dt.date(1990, 1, 1 + j))
            db.add("posts", person_id=pid, unit_id=code, start_date=dt.date(2016, 1, 1))
            db.add("annual_assessments", person_id=pid, year=2023, grade="称职")


def test_batch_writes_hostile_unit_codes_inside_the_folder(db, tmp_path, monkeypatch):
    """Every unit gets its own page inside DIR, whatever its code; a symbolic link in DIR is
    replaced, never followed; the index links every page. The pages' content is stubbed here
    (the next test renders real ones)."""
    _hostile_db(db, HOSTILE[:6])
    from qingmiao_lib import unit_reports

    rendered = []

    def fake(con, s, uids, **kw):       # the batch's pages, protected together: stubbed
        for uid in uids:
            rendered.append(uid)
            yield uid, f"<html>{len(rendered)}</html>"

    monkeypatch.setattr(unit_reports, "_joint_pages", fake)
    root = tmp_path / "deep" / "er"
    out = root / "out"
    out.mkdir(parents=True)
    outside = tmp_path / "outside.html"
    outside.write_text("keep")
    names = dict(zip(HOSTILE[:6], report.unit_file_names([(u, "测试单位" if i % 2 else "镇/街道..")
                                                          for i, u in enumerate(HOSTILE[:6])]), strict=True))
    (out / names["a/b"]).symlink_to(outside)           # a planted link to a file outside DIR
    index = report.write_unit_reports(db.con, year=2023, out_dir=out, progress=False)
    assert outside.read_text() == "keep" and not (out / names["a/b"]).is_symlink()
    assert sorted(rendered) == sorted(HOSTILE[:6])          # U1 (the fixture's) has no one in post
    written = sorted(os.listdir(out))
    pages = [f for f in written if f.endswith(".html") and f != "index.html"]
    assert len(pages) == len(rendered) and report.PLOTLY_FILE in written and "index.html" in written
    assert len({p.casefold() for p in pages}) == len(pages)
    # nothing anywhere else: the only things under tmp_path are the folder's files and our own
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert everything == sorted(["deep", "deep/er", "deep/er/out", "outside.html",
                                 *(f"deep/er/out/{f}" for f in written)])
    for f in written:
        assert (out / f).resolve().parent == out.resolve()
    text = index.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', text)
    assert sorted(links) == sorted(pages)


def test_batch_real_pages_for_hostile_codes(db, tmp_path):
    _hostile_db(db, ["../../x", "a/b"])
    out = tmp_path / "out"
    report.write_unit_reports(db.con, year=2023, out_dir=out, units=["../../x", "a/b"], progress=False)
    pages = sorted(p.name for p in out.iterdir() if p.name not in ("index.html", report.PLOTLY_FILE))
    assert pages == ["_._x-镇_街道.html", "a_b-测试单位.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    html = (out / "a_b-测试单位.html").read_text(encoding="utf-8")
    assert '<p class="unit">测试单位</p>' in html and "与全辖区主要指标" in html


def test_batch_refuses_to_overwrite_its_database(tmp_path, demo_db):
    """A folder that holds the database itself: a page never takes the database's name (all end
    in .html), and an index.html that is the database is refused."""
    import shutil

    from qingmiao_lib.outputs import UsageError

    out = tmp_path / "out"
    out.mkdir()
    db = out / "index.html"
    shutil.copy(demo_db, db)
    before = db.read_bytes()
    con = qm.connect(db)
    uid = con.execute("select unit_id from posts where end_date is null order by unit_id limit 1").fetchall()[0][0]
    with pytest.raises(UsageError):
        report.write_unit_reports(con, year=2023, out_dir=out, units=[uid], progress=False)
    con.close()
    assert db.read_bytes() == before


@pytest.mark.parametrize("argv, code, needle", [
    (["--unit-kind", "乡镇街道"], 2, "--by-unit"),
    (["--by-unit", "--units", "NOPE"], 2, "NOPE"),      # an unknown unit is a usage mistake
    (["--units", "NOPE"], 2, "NOPE"),
])
def test_report_options_fail_in_one_line(demo_db, tmp_path, argv, code, needle):
    proc = run("report", "--db", str(demo_db), "--year", "2023", "--out", str(tmp_path / "x"), *argv)
    assert proc.returncode == code, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
