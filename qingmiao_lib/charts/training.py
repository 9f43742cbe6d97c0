"""Charts of the training analyses (``qingmiao_lib.training``): frames in, ``go.Figure`` out."""

from __future__ import annotations
