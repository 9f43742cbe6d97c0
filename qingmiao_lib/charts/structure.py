"""Charts of the structure analyses (``qingmiao_lib.structure``): frames in, ``go.Figure`` out."""

from __future__ import annotations
