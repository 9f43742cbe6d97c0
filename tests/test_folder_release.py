"""Unit reports written into one folder at different times are one release (issue 18,
``qingmiao_lib._folder_release``): a later batch is protected around the pages already there,
so reading the county report and every page of the folder pins nothing; a register made under
other data is set aside, with a warning."""

from __future__ import annotations

import pickle

import pytest
from conftest import own_copy

import qingmiao_lib as qm
from qingmiao_lib import _folder_release, report
from qingmiao_lib import units as unit_list
from qingmiao_lib.sections import _release

YEAR = 2023


@pytest.fixture(scope="module")
def demo_db(demo_built, tmp_path_factory):
    """This module's own copy of the small county: the folder's register is written beside it."""
    return own_copy(demo_built, tmp_path_factory.mktemp("folder-db"))


@pytest.fixture(scope="module")
def two_runs(demo_db, tmp_path_factory):
    """Two towns written one at a time into one folder (``--by-unit --units A``, then ``B``),
    each run's joint problem kept (spied on ``tie_batch``)."""
    out = tmp_path_factory.mktemp("folder") / "units"
    con = qm.connect(demo_db)
    seen = []
    real = _release.tie_batch

    def spy(base, county, parts):
        seen.append(base)
        return real(base, county, parts)

    mp = pytest.MonkeyPatch()
    mp.setattr(_release, "tie_batch", spy)
    try:
        s = report.shared_parts(con, year=YEAR)
        towns = [u for u, _, k in unit_list.with_posts(con, as_of=s.as_of) if k == "乡镇街道"][:2]
        report.write_unit_reports(con, year=YEAR, out_dir=out, units=[towns[0]], progress=False)
        register = _folder_release.register_of(demo_db, out)
        first = pickle.loads(register.read_bytes())
        page_a = {p.name: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}
        report.write_unit_reports(con, year=YEAR, out_dir=out, units=[towns[1]], progress=False)
    finally:
        mp.undo()
        con.close()
    yield {"out": out, "towns": towns, "first": first, "bases": seen, "page_a": page_a, "register": register}


def test_the_second_page_is_protected_around_the_first(two_runs):
    base = two_runs["bases"][-1]
    a, b = two_runs["towns"]
    # the second run rebuilt the first town's page beside its own: two parts, one problem
    assert len({n.split("·")[0] for n in base.problem.tables if n.startswith("#")}) == 2
    # … with the first page's cells in the states that page printed
    registered = pickle.loads(two_runs["register"].read_bytes())
    assert set(registered["pages"]) == {a, b}
    for table, (values, status) in two_runs["first"]["pages"][a].items():
        again_values, again_status = registered["pages"][a][table]
        assert again_values.equals(values) and again_status.equals(status), table
    # the first page's file was left as it was written
    for name, data in two_runs["page_a"].items():
        assert (two_runs["out"] / name).read_bytes() == data


def test_reading_the_county_report_and_every_page_of_the_folder_pins_nothing(two_runs):
    base = two_runs["bases"][-1]
    res = base.result
    status = {n: res[n].status for n in res.tables if n not in base.problem.unpublished}
    hidden = sum(int((s == "primary").to_numpy().sum()) for n, s in status.items() if n.startswith("#"))
    assert hidden > 0                                   # the pages do hide small counts
    assert _release.pinned_printed(base.problem, status) == []


def test_the_index_lists_every_page_of_the_folder(two_runs):
    index = (two_runs["out"] / "index.html").read_text("utf-8")
    registered = pickle.loads(two_runs["register"].read_bytes())
    assert len(registered["entries"]) == 2
    for entry in registered["entries"].values():
        assert entry["file"] in index


def test_the_register_holds_exact_counts_so_it_stays_beside_the_database(two_runs, demo_db):
    """What is sent out is the folder: the register (exact counts) is not in it."""
    assert two_runs["register"].parent.parent == demo_db.resolve().parent
    assert sorted(p.name for p in two_runs["out"].iterdir() if not p.name.endswith(".html")) == ["plotly.min.js"]


def test_a_register_of_other_data_is_set_aside(tmp_path, capsys):
    path = _folder_release.register_of(tmp_path / "db.duckdb", tmp_path / "units")
    path.parent.mkdir()
    path.write_bytes(pickle.dumps({"key": ("other",), "pages": {"U1": {}}, "entries": {"U1": {}}}))
    assert _folder_release.load(path, ("mine",), tmp_path / "units") == ({}, {})
    assert "不与它们一并保护" in capsys.readouterr().err
    assert _folder_release.load(None, ("mine",), tmp_path / "units") == ({}, {})
