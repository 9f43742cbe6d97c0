"""Shared fixtures: an empty in-memory Qingmiao database, a helper to fill it with a few
hand-made rows, one small simulated demo database per test session, and the README's demo
county (default size and seed) built once for the whole run (:func:`demo2k_built`)."""

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
def demo_db(tmp_path_factory) -> Path:
    """A small simulated county (300 persons), built once per test session."""
    from qingmiao_lib import synth

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    synth.build(path, persons=300, seed=7, progress=False)
    return path


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


def demo2k_copy(built: Path, folder: Path) -> Path:
    """A copy of the built demo county in ``folder`` (a module's own), to open and write beside."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(built, folder / "demo.duckdb"))


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
