"""qingmiao_lib.privacy: masking names one by one and a whole column at once give the same."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qingmiao_lib._query import TEXT
from qingmiao_lib.privacy import mask_name, mask_names

HAND = {"张三": "张*", "张小明": "张*明", "欧阳小明": "欧**明", "李": "李", "": "", " 王五 ": "王*",
        "\u3000赵钱孙\u3000": "赵*孙", "ab": "a*", "𠀋𠀌𠀍": "𠀋*𠀍", "\t司马相如\n": "司**如"}


def test_a_column_is_masked_as_each_name_is_by_hand():
    got = mask_names(pd.Series(list(HAND), index=range(10, 10 + len(HAND))))
    assert got.tolist() == list(HAND.values()) == [mask_name(n) for n in HAND]
    assert got.dtype == TEXT and got.index.tolist() == list(range(10, 10 + len(HAND)))


def test_a_missing_name_stays_missing():
    got = mask_names(pd.Series(["张小明", None], dtype=TEXT, name="name"))
    assert got.iloc[0] == "张*明" and pd.isna(got.iloc[1]) and got.name == "name"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.one_of(st.characters(exclude_categories=("Cs",)),
                                           st.sampled_from(" \t\u3000\u00a0\u2028张王李")), max_size=8),
                max_size=20))
def test_mask_names_is_mask_name_for_any_text(names):   # (a database's text holds no surrogate)
    assert mask_names(pd.Series(names, dtype=object)).tolist() == [mask_name(n) for n in names]
