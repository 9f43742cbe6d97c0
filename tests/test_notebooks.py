"""Every notebook runs headless, top to bottom, against a small demo database, and is committed
without outputs, with one parameters cell (papermill) that has the ``export`` switch. The export
mode itself is tested in test_notebook_export.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code cells"
    assert not any(c.get("outputs") or c.get("execution_count") for c in code)
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1
    # make export runs every notebook with export=True (no widgets, names masked)
    assert re.search(r"^export = False\b", "".join(params[0]["source"]), re.M)


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_headless(path, demo_db, monkeypatch, tmp_path):
    monkeypatch.setenv("QINGMIAO_DB", str(demo_db))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    # the figures were drawn: a plotly figure, or a widget view (FigureWidget) in the outputs
    mimes = {m for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
             for m in o.get("data", {})}
    assert mimes & {"application/vnd.plotly.v1+json", "application/vnd.jupyter.widget-view+json"}
