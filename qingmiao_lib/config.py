"""Paths known in one place."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_DB = Path("data") / "qingmiao.duckdb"
DEFAULT_RULES = PACKAGE_DIR / "rules" / "default.toml"
REPORTS_DIR = Path("reports")
SCHEMA_VERSION = "2"



def default_db() -> Path:
    """The database a notebook opens when it is not told: ``$QINGMIAO_DB`` (set by
    ``qingmiao lab``), else the project's ``data/qingmiao.duckdb``."""
    import os

    env = os.environ.get("QINGMIAO_DB")
    return Path(env) if env else PROJECT_DIR / DEFAULT_DB
