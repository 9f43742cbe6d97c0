"""``qingmiao lab``: JupyterLab on ``notebooks/`` against the database (``QINGMIAO_DB``).
"""

from __future__ import annotations

import argparse
import os
import sys

from ..cli import common_options, int_between
from ..config import PROJECT_DIR

NAME = "lab"
HELP = "open JupyterLab on notebooks/ against the database"


def lab_command(args) -> list[str]:
    """The JupyterLab command line of ``qingmiao lab``: ``--allow-root`` when run as root
    (JupyterLab refuses root otherwise), ``--port`` (no silent move to another port) and
    ``--no-browser`` when asked."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={PROJECT_DIR / 'notebooks'}"]
    if args.port is not None:
        cmd += [f"--ServerApp.port={args.port}", "--ServerApp.port_retries=0"]
    if args.no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def register(p: argparse.ArgumentParser) -> None:
    common_options(p)
    p.add_argument("--port", type=int_between(1, 65535), default=None,
                   help="the port to serve on (default: JupyterLab's, 8888 or the next free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser (print the address)")


def run(args) -> int:
    from ..db import connect

    connect(args.db, rules=args.rules).close()  # a clear message now rather than in a notebook
    env = dict(os.environ, QINGMIAO_DB=str(args.db.resolve()))
    if args.rules:
        env["QINGMIAO_RULES"] = str(args.rules.resolve())
    cmd = lab_command(args)
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover
