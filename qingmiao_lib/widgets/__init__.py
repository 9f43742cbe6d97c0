"""Widget wiring for the notebooks: controls → analysis function → chart → FigureWidget.

Every explorer also has an export mode (``export=True``): a widget without a kernel is dead, so an
exported notebook gets a :class:`Static` instead — the same figures, as plain ``go.Figure``, and
the same tables, drawn once for the controls' initial values, with one line saying which values.
What the Static shows depends on the export's ``audience`` (:mod:`qingmiao_lib.published`): for
circulation its figures are protected and its person lists and profiles withheld.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import plotly.graph_objects as go

#: How many views an explorer keeps (:func:`kept`), the least recently shown dropped first.
VIEWS_KEPT = 8


def kept(memo: dict | None, key, compute, *, most: int = VIEWS_KEPT):
    """``compute()``, or what ``memo`` holds for ``key`` when an explorer showed it lately: the
    most recently used last, the least recently used dropped beyond ``most``. With ``memo`` None,
    computed every time."""
    if memo is None:
        return compute()
    if key in memo:
        memo[key] = memo.pop(key)
        return memo[key]
    got = compute()
    if len(memo) >= most:
        memo.pop(next(iter(memo)))
    memo[key] = got
    return got


def replace(fw: go.FigureWidget, fig: go.Figure) -> None:
    """Show ``fig`` in ``fw`` in place: traces and layout updated inside one batch_update (when
    the trace types differ — e.g. a person whose record has no one-day events — the traces are
    replaced first). The layout is updated key by key — the keys ``fig`` lacks removed — but its
    template, the same for every chart, is left as it is: assigning a whole layout validates and
    copies the template twice, ~45 ms of a widget update's ~60 ms here."""
    if [t.type for t in fw.data[: len(fig.data)]] != [t.type for t in fig.data[: len(fw.data)]]:
        fw.data = []
    n = len(fig.data)
    if len(fw.data) > n:
        fw.data = fw.data[:n]
    if len(fw.data) < n:
        fw.add_traces(fig.data[len(fw.data):])
    layout = fig.layout.to_plotly_json()
    template = layout.pop("template", None)
    stale = [k for k in fw.layout.to_plotly_json() if k not in layout and k != "template"]
    with fw.batch_update():
        for old, new in zip(fw.data, fig.data, strict=True):
            old.update(new.to_plotly_json(), overwrite=True)
        if template is not None and fw.layout.template != fig.layout.template:
            fw.layout.template = fig.layout.template
        for key in stale:                 # update() leaves an array (annotations …) as it was
            fw.layout[key] = None
        fw.layout.update(layout, overwrite=True)


class Fixed:
    """A control frozen at one value: what a :class:`Static` was drawn with. Has ``value`` and
    ``label`` like an ipywidgets control, so code reading ``box.controls[...].value`` works in
    both modes."""

    def __init__(self, value, label: str | None = None):
        self.value = value
        self.label = str(value) if label is None else label

    def __repr__(self) -> str:
        return f"Fixed({self.value!r}, label={self.label!r})"


class Static:
    """An explorer drawn once, without controls, for an exported notebook.

    ``controls`` mirrors the explorer's controls (same keys or positions, :class:`Fixed` values);
    ``figures`` its FigureWidgets as ``go.Figure``. Displayed in a notebook it shows one line
    naming the values (``caption``), then ``items`` in order — figures, tables, text.
    """

    def __init__(self, items: Iterable = (), *, caption: str = "", controls=None, figures=None):
        self.items = list(items)
        self.caption = caption
        self.controls = controls if controls is not None else {}
        self.figures = figures if figures is not None else {}

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        if self.caption:
            display(HTML(f'<p class="qm-static">{html.escape(self.caption)}</p>'))
        for item in self.items:
            if isinstance(item, str):
                print(item)
            else:
                display(item)


def static_caption(values: dict[str, str]) -> str:
    """The line above a static view: ``导出版本（无交互控件）：时点 2023-12-31 · 单位类别 全部``."""
    shown = " · ".join(f"{k} {v}" for k, v in values.items())
    return f"导出版本（无交互控件），按以下取值显示：{shown}"


def full_names(requested: bool, *, export: bool, audience: str = "circulation") -> bool:
    """Whether a notebook may show full names: live only when asked for; exported only for the
    ``unmasked`` audience (an exported file leaves the workbench: names are masked, 张*明, as in
    the reports, unless ``--unmasked`` asked otherwise and stamped the page)."""
    if export:
        if requested and audience != "unmasked":
            print("导出版本隐去姓名（张*明）")
        return audience == "unmasked"
    return bool(requested)


def publisher(con, *, export: bool, audience: str = "circulation"):
    """The :class:`qingmiao_lib.published.Publisher` of an explorer's export mode."""
    from ..published import Publisher

    return Publisher(con, export=export, audience=audience)
