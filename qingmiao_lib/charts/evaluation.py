"""Charts of the evaluation analyses (``qingmiao_lib.evaluation``): frames in, ``go.Figure`` out."""

from __future__ import annotations
