"""A unit picker a person can use at any scale: a search box over unit names and codes and a
list of at most :data:`MAX_LISTED` units matching it, the units already picked listed first.

A county has about a hundred units; a prefecture's or province's combined database has tens of
thousands, and a list of 50,000 options is neither readable nor quick (ipywidgets sends every
option to the page and re-validates the selection on each change: about 1 s per change at
10,000 units). The picker's ``value`` (a tuple of unit ids) changes only when the choice does —
narrowing the list by the search box or by a unit kind never triggers an update by itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import traitlets

#: The most units the list shows at once; the rest are found by typing in the search box.
MAX_LISTED = 200


class UnitPicker(widgets.VBox):
    """Pick units: ``value`` is the tuple of picked unit ids (observe it like any control's).

    Parameters
    ----------
    options
        ``(label, unit_id)`` of every unit, in the order to list them.
    kinds
        ``unit_id → kind`` for :meth:`limit_to_kind` (the 市直/乡镇 quick filter).
    """

    value = traitlets.Tuple()

    def __init__(self, options: Sequence[tuple[str, str]], *, kinds: Mapping[str, str] | None = None,
                 description: str = "单位", rows: int = 6):
        self._all = [(str(label), uid) for label, uid in options]
        self._label = dict((uid, label) for label, uid in self._all)
        self._kinds = dict(kinds or {})
        self._kind: str | None = None
        self._quiet = False
        self.search = widgets.Text(placeholder="输入单位名称或代码查找", description="查找")
        self.select = widgets.SelectMultiple(options=[], rows=rows, description=description)
        self.note = widgets.HTML()
        super().__init__([self.search, self.select, self.note])
        self.search.observe(lambda _: self._relist(), names="value")
        self.select.observe(self._picked, names="value")
        self.observe(self._set, names="value")
        self._relist()

    @property
    def options(self) -> list[tuple[str, str]]:
        """``(label, unit_id)`` of every unit the picker offers (listed or found by searching)."""
        return list(self._all)

    @property
    def listed(self) -> list[tuple[str, str]]:
        """What the list shows now."""
        return list(self.select.options)

    def limit_to_kind(self, kind: str | None) -> None:
        """Offer only the units of ``kind`` (None: every unit); picked units of another kind
        are dropped from the choice (one update, when the choice changes)."""
        self._kind = kind
        if kind is not None:
            self.value = tuple(u for u in self.value if self._kinds.get(u) == kind)
        self._relist()

    def _offered(self, uid: str) -> bool:
        return self._kind is None or self._kinds.get(uid) == self._kind

    def _relist(self) -> None:
        text = self.search.value.strip().casefold()
        chosen = [(self._label[u], u) for u in self.value if u in self._label]
        picked = set(self.value)
        match = [(label, uid) for label, uid in self._all
                 if uid not in picked and self._offered(uid)
                 and (not text or text in label.casefold() or text in uid.casefold())]
        self._quiet = True
        try:
            self.select.options = chosen + match[:MAX_LISTED]
            self.select.value = tuple(u for _, u in chosen)
        finally:
            self._quiet = False
        more = len(match) - MAX_LISTED
        self.note.value = (f"<small>另有 {more:,} 个单位未列出：输入名称或代码查找</small>" if more > 0 else "")

    def _picked(self, change) -> None:
        if not self._quiet:
            self.value = tuple(change["new"])

    def _set(self, change) -> None:
        # set from outside (or by _picked): list the picked units if they are not listed yet
        unknown = [u for u in change["new"] if u not in self._label]
        if unknown:
            raise traitlets.TraitError(f"unknown unit(s): {', '.join(map(str, unknown))}")
        if tuple(self.select.value) != tuple(change["new"]):
            self._relist()
