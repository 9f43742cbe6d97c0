"""Qingmiao Workbench (青苗工作台): analyses of young civil servant programmes over DuckDB.

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")          # doctest: +SKIP
>>> qm.figures.headline(con, year=2023)                 # doctest: +SKIP
"""

from . import charts, evaluation, figures, labels, outlook, pipeline, structure, training
from .config import default_db
from .db import connect, rules_version
from .errors import QingmiaoError

__version__ = "0.1.0"
__all__ = [
    "connect", "default_db", "rules_version", "charts", "figures", "labels", "structure",
    "training", "evaluation", "pipeline", "outlook",
    "QingmiaoError", "__version__",
]
