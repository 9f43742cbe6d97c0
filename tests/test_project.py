"""The project frame: environment.yml stays in step with pyproject.toml, the lock pins every
dependency within its bounds, the Makefile has the README's targets with help lines, and the
README's Python runs."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"duckdb": "python-duckdb"}


def _requirement(spec: str) -> tuple[str, str]:
    name, bound = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec).groups()
    return CONDA_NAMES.get(name.lower(), name.lower()), bound.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = dict(_requirement(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    listed = {}
    deps = (ROOT / "environment.yml").read_text("utf-8").split("dependencies:", 1)[1]
    for line in deps.splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.\-]+)\s*([<>=!~][^#\s]*)?\s*$", line)
        if m and m.group(1) not in ("pip",):
            listed[m.group(1).lower()] = (m.group(2) or "").replace(" ", "")
    listed.pop("python", None)
    assert listed == wanted


def test_makefile_has_the_readme_targets_with_help():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in ("demo", "test", "lab", "report", "help"):
        assert re.search(rf"^{target}:.*## \S", makefile, re.M), target
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_lock_pins_every_dependency_within_its_bound():
    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pins = _lock()
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, bound = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", spec).groups()
        key = name.lower().replace("_", "-")
        assert key in pins, f"{name} is not pinned in requirements.lock"
        assert pins[key] in SpecifierSet(bound), f"{name}=={pins[key]} outside {bound}"
    assert "requirements.lock" in (ROOT / "Makefile").read_text("utf-8")


def test_readme_python_blocks_run(demo_db, tmp_path):
    """Every ```python block of the README runs, in a folder whose data/qingmiao.duckdb is the
    tests' demo county."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
    assert blocks
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "qingmiao.duckdb").symlink_to(demo_db)
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for code in blocks:
            namespace: dict = {}
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 — the README's own code
            if "con" in namespace:
                namespace["con"].close()
    finally:
        os.chdir(here)
