"""Charts of the pipeline analyses (``qingmiao_lib.pipeline``): frames in, ``go.Figure`` out."""

from __future__ import annotations
