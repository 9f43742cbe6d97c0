"""Tables another artefact withheld stay withheld (``Problem.withhold``). That tables another
artefact printed (``Problem.frozen``) are never withheld is held by tests/test_release.py: a
batch of every town prints the county report's tables exactly as the county report did."""

from __future__ import annotations

import pandas as pd

from qingmiao_lib import sdc


def test_a_table_withheld_before_stays_withheld():
    p = sdc.Problem(5)
    p.add_table("T", pd.DataFrame({"x": [7], "y": [9]}, index=["r"]), totals="row")
    p.withhold.add("T")
    res = p.protect()
    assert res["T"].withheld and (res["T"].status == "withheld").all().all()
