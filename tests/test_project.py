"""The project frame: environment.yml stays in step with pyproject.toml, and the Makefile has the
README's targets with help lines."""

from __future__ import annotations

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
