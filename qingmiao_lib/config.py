"""Paths known in one place."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_DB = Path("data") / "qingmiao.duckdb"
DEFAULT_RULES = PACKAGE_DIR / "rules" / "default.toml"
REPORTS_DIR = Path("reports")
SCHEMA_VERSION = "1"

