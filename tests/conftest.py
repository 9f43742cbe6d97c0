"""Shared fixtures: an empty in-memory Qingmiao database, a helper to fill it with a few
hand-made rows, one small simulated demo database (copied per worker) and the reports the
report tests read of it, and the README's demo county (default size and seed) — each built
once for the whole run (:func:`built_once`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

# two test workers share the machine's cores: one DuckDB thread each (the CLI's subprocesses inherit it)
os.environ.setdefault("QINGMIAO_THREADS", "1")

import qingmiao_lib as qm  # noqa: E402

D = dt.date.fromisoformat

# Defaults for the NOT NULL columns, so a fixture row only names what the test is about.
_DEFAULTS = {
    "units": {"name": "测试单位", "kind": "市直机关"},
    "persons": {"name": "张三", "gender": "男", "birth_date": D("1990-01-01"),
                "education": "本科", "entry_date": D("2015-07-01")},
    "posts": {"unit_id": "U1", "title": "工作人员", "level": "无"},
    "ranks": {"reason": "晋升"},
    "trainings": {"kind": "在职培训", "hours": 24, "mode": "脱产"},
}


class Fixture:
    """Insert rows into the database of a test: ``db.add("persons", person_id="P1", ...)``.

    Values are bound as parameters; missing NOT NULL columns take the defaults above.
    A unit ``U1`` exists from the start so posts can refer to it.
    """

    def __init__(self, con):
        self.con = con
        self.add("units", unit_id="U1")

    def add(self, table: str, **row) -> Fixture:
        values = {**_DEFAULTS.get(table, {}), **row}
        cols = list(values)
        marks = ", ".join("?" for _ in cols)
        self.con.execute(
            f"insert into {table} ({', '.join(cols)}) values ({marks})",  # table/cols: test code
            [values[c] for c in cols],
        )
        return self

    def add_many(self, table: str, rows: Iterable[dict]) -> Fixture:
        for row in rows:
            self.add(table, **row)
        return self

    def scalar(self, query: str, params=None):
        return self.con.execute(query, params or []).fetchall()[0][0]


@pytest.fixture
def con():
    """An empty Qingmiao database in memory, schema, rules and macros loaded."""
    c = qm.connect(":memory:", create=True)
    yield c
    c.close()


@pytest.fixture
def db(con) -> Fixture:
    """The empty database with a row-adding helper (see ``Fixture``)."""
    return Fixture(con)


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory) -> Path:
    """The small simulated county (300 persons, seed 7), built once for the run. Never open it:
    each worker reads its own copy (:func:`demo_db`), and the shared reports below are built
    from it."""
    from qingmiao_lib import synth

    return built_once(tmp_path_factory, "demo300",
                      lambda f: synth.build(f / "demo.duckdb", persons=300, seed=7, progress=False)) / "demo.duckdb"


@pytest.fixture(scope="session")
def demo_db(demo_built, tmp_path_factory) -> Path:
    """A small simulated county (300 persons): this worker's copy of :func:`demo_built`, so a
    test may write beside it (a register of unit reports) or open it while another worker does."""
    return own_copy(demo_built, tmp_path_factory.mktemp("demo"))


def own_copy(built: Path, folder: Path) -> Path:
    """A copy of a built demo database in ``folder`` (a module's own), to open and write beside."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(built, folder / built.name))


#: The year of the small county's reports built once for the run (:func:`demo_county_report`).
REPORT_YEAR = 2023


@pytest.fixture(scope="session")
def demo_county_report(demo_built, tmp_path_factory) -> Path:
    """The small county's 2023 report as ``qingmiao report`` writes it, built once for the run
    (read it, never write beside it)."""
    from qingmiao_lib import report

    def build(folder: Path) -> None:
        con = qm.connect(demo_built)
        try:
            report.write_report(con, year=REPORT_YEAR, out=folder / "county.html")
        finally:
            con.close()

    return built_once(tmp_path_factory, "demo300-report", build) / "county.html"


@pytest.fixture(scope="session")
def demo_unmasked_report(demo_built, tmp_path_factory) -> Path:
    """The small county's 2023 report with full names (``--unmasked``), built once for the run."""
    from qingmiao_lib import report

    def build(folder: Path) -> None:
        con = qm.connect(demo_built)
        try:
            report.write_report(con, year=REPORT_YEAR, out=folder / "county-unmasked.html", unmasked=True)
        finally:
            con.close()

    return built_once(tmp_path_factory, "demo300-unmasked", build) / "county-unmasked.html"


@pytest.fixture(scope="session")
def demo_towns(demo_built, tmp_path_factory) -> dict:
    """The small county's 2023 unit reports of every town (``qingmiao report --by-unit
    --unit-kind 乡镇街道``), written once for the run into a folder of their own, from a copy of
    the database (the batch registers its pages beside the database). What the batch's joint
    protection was given is kept too, for test_release's audit: ``{"index": index.html,
    "joint": {"problem", "result", "threshold", "parts"} of the batch's artefact,
    "county": {"result", "unpublished"} of the county report's}`` (spied on ``tie_batch``)."""
    import pickle

    from qingmiao_lib import report
    from qingmiao_lib.sections import _release

    def build(folder: Path) -> None:
        seen = {}
        real = _release.tie_batch

        def spy(base, county, parts):
            seen.update(base=base, county=county, parts=parts)
            return real(base, county, parts)

        con = qm.connect(own_copy(demo_built, folder / "db"))
        try:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(_release, "tie_batch", spy)
                report.write_unit_reports(con, year=REPORT_YEAR, out_dir=folder / "towns",
                                          unit_kind="乡镇街道", progress=False)
        finally:
            con.close()
        base, county = seen["base"], seen["county"]
        (folder / "joint.pkl").write_bytes(pickle.dumps({
            "joint": {"problem": base.problem, "result": base.result, "threshold": base.threshold,
                      "parts": len(seen["parts"])},
            "county": {"result": county.result, "unpublished": county.problem.unpublished}}))

    folder = built_once(tmp_path_factory, "demo300-towns", build)
    return {"index": folder / "towns" / "index.html", **pickle.loads((folder / "joint.pkl").read_bytes())}


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` while the with-block runs (no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not Linux/macOS
        yield
        return
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def built_once(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """``build(folder)`` run once for the whole test run — by the first pytest-xdist worker that
    asks, the others waiting on a lock — in a folder ``name`` they all share; its path."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / name
    done = folder / ".built"
    with file_lock(shared / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def demo2k_built(tmp_path_factory) -> Path:
    """The README's demo county (``qingmiao demo``: default size and seed, the article's
    figures F1–F9), built once for the run. Never open it: copy it first
    (:func:`demo2k_copy`), since a module writes beside its database (release registers) and
    two workers cannot both open one file for writing."""
    from qingmiao_lib import synth

    return built_once(tmp_path_factory, "demo2k", lambda f: synth.build(f / "demo.duckdb", progress=False)) / "demo.duckdb"


#: A copy of the built demo county in a module's own folder, to open and write beside.
demo2k_copy = own_copy


#: The seeds of the two simulated counties a prefecture's tests combine (:func:`two_counties_built`).
COUNTY_SEEDS = (5, 6)


@pytest.fixture(scope="session")
def two_counties_built(tmp_path_factory) -> tuple[Path, Path]:
    """Two simulated counties of 300 persons (seeds :data:`COUNTY_SEEDS`), built once for the
    run: the prefecture's tests combine copies of them (:func:`county_copies`)."""
    from qingmiao_lib import synth

    def build(folder: Path) -> None:
        for i, seed in enumerate(COUNTY_SEEDS):
            synth.build(folder / f"county{i}.duckdb", persons=300, seed=seed, progress=False)

    folder = built_once(tmp_path_factory, "two-counties", build)
    return folder / "county0.duckdb", folder / "county1.duckdb"


def county_copies(built: tuple[Path, Path], folder: Path, names: tuple[str, str] = ("a", "b")) -> dict[str, Path]:
    """Copies of the two built counties in ``folder``, as ``<name>.duckdb`` (the file name is a
    county's code when combined): ``{name: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: Path(shutil.copyfile(src, folder / f"{name}.duckdb")) for name, src in zip(names, built, strict=True)}


@pytest.fixture(scope="module")
def prefecture_con(two_counties_built, tmp_path_factory, request):
    """The two 300-person counties combined as codes ``a`` and ``b`` (same default rules,
    different seeds), opened read-only: one combined file per test module."""
    from qingmiao_lib import combine

    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    out = folder / "prefecture.duckdb"
    combine.combine(out, list(county_copies(two_counties_built, folder).values()))
    c = qm.connect(out, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def county_own(prefecture_con):
    """Each county of :func:`prefecture_con` alone (``combine.county_connection``): its own
    records under its own (recorded) rules, ``{code: connection}``."""
    from qingmiao_lib import combine

    out = {code: combine.county_connection(prefecture_con, code) for code in ("a", "b")}
    yield out
    for c in out.values():
        c.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright, for the page tests (``-m browser``).
    Skipped where Chromium is absent — never in CI, which installs it."""
    import os
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()
