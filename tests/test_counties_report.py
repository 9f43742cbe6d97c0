"""A combined (prefecture) database's report opens with the counties side by side (issue 23):
F1–F9 per county under its own rules, their total the sum, protected with the report."""

from __future__ import annotations

import re

import pytest
from conftest import county_copies

import qingmiao_lib as qm
from qingmiao_lib import combine, report

YEAR = 2023


@pytest.fixture(scope="module")
def prefecture(two_counties_built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pref")
    out = folder / "prefecture.duckdb"
    combine.combine(out, list(county_copies(two_counties_built, folder).values()))
    return out


def test_the_report_opens_with_the_counties_side_by_side(prefecture):
    con = qm.connect(prefecture)
    try:
        html = report.render_report(con, year=YEAR)
        long = combine.headline_by_county(con, year=YEAR)
    finally:
        con.close()
    first = re.findall(r'<section id="(\w+)">', html)
    assert first[:2] == ["headline", "counties"]               # right after the headline figures
    part = html[html.index('<section id="counties">'):]
    part = part[:part.index("</section>")]
    rows = re.findall(r"<tr><td>(F\d)</td><td>[^<]*</td>((?:<td class=\"num\">[^<]*</td>)+)</tr>", part)
    assert [code for code, _ in rows] == [f"F{i}" for i in range(1, 10)]
    counties = [c for c in dict.fromkeys(long["county"]) if c != combine.TOTAL]
    for code, cells in rows:
        shown = re.findall(r'<td class="num">([^<]*)</td>', cells)
        assert len(shown) == len(counties) + 1
        want = long[long["code"] == code].set_index("county")["value"]
        for county, text in zip([*counties, combine.TOTAL], shown, strict=True):
            v = int(want[county])
            if text.replace(",", "").isdigit():                # a shown count is the county's own
                assert int(text.replace(",", "")) == v
            else:                                              # hidden: small, or a complement
                assert text in ("×", "&lt;5") and (text == "×" or 0 < v < 5)
        assert int(want[combine.TOTAL]) == sum(int(want[c]) for c in counties)


def test_a_county_database_has_no_counties_section(demo_county_report):
    """The small county's 2023 report (written once for the run: conftest)."""
    assert 'id="counties"' not in demo_county_report.read_text(encoding="utf-8")
