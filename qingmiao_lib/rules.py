"""Rules as data: the TOML rules file, a locality's overrides, and the rule_* tables.

Every threshold an analysis uses comes from here. ``load`` reads the shipped default and
merges a locality file over it; ``install`` writes the result into temporary tables of a
connection so SQL can join to it:

- ``rule_params(name, num, txt)``   one row per scalar setting (``"general.young_age_limit"``)
- ``rule_lists(name, value)``      one row per member of a list setting (``"promotion.uncounted_grades"``)
- ``rule_ranks(rank, step, min_years, required_months, alt_level, level)`` the 职级 ladder, lowest step 1
- ``rule_levels(level, step, appointment_training_days)`` leadership post levels, 无 = 0
- ``rule_initial_grade(education, rank)``

The version a result cites (``version``, and ``meta.version`` in ``rule_params``) is the file's
``[meta] version`` plus the first 8 hex digits of the sha256 of the merged rules as canonical
JSON (``cn-default-2026.1+3f9a12c4``): two rule sets that differ in any value never cite the
same version, even when a locality file forgets to change ``[meta] version``.

The module is over 300 lines: loading, checking and installing a rules file are the one path
every rule takes; a split for a handful of lines would cut it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from copy import deepcopy
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .config import DEFAULT_RULES
from .contract import TABLES
from .errors import RulesError

RANKS = (
    "二级科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
    "四级调研员", "三级调研员", "二级调研员", "一级调研员", "二级巡视员", "一级巡视员",
)
LEVELS = ("无", "乡科级副职", "乡科级正职", "县处级副职", "县处级正职")
EDUCATIONS = ("高中", "中专", "大专", "本科", "硕士研究生", "博士研究生")


def _merge(base: dict, over: dict) -> dict:
    out = deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = deepcopy(value)
    return out


def load(path: str | Path | None = None) -> dict[str, Any]:
    """Return the rules: the shipped default, overridden key by key by ``path`` if given.

    Raises ``RulesError`` when a file cannot be read or a value is out of the vocabulary.
    """
    default = _read(DEFAULT_RULES)
    rules = default
    if path is not None:
        local = _read(Path(path))
        _check_types(default, local, str(path))
        rules = _merge(default, local)
    _validate(rules)
    return rules


def _kind(value) -> str:
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int | float):
        return "数值"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    return "表"


def _check_types(ref: dict, got: dict, source: str, prefix: str = "") -> None:
    """Every key of a locality file must exist in the default and have the default's type."""
    for key, value in got.items():
        name = f"{prefix}{key}"
        if key not in ref:
            raise RulesError(f"规则文件 {source}：未知的规则项 {name}（拼写错误？）")
        expected = ref[key]
        if _kind(value) != _kind(expected):
            raise RulesError(
                f"规则文件 {source}：{name} 应为{_kind(expected)}，收到 {value!r}"
            )
        if isinstance(expected, dict):
            _check_types(expected, value, source, name + ".")
        elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
            columns: dict = {}
            for row in expected:
                columns.update(row)
            for i, row in enumerate(value, start=1):
                if not isinstance(row, dict):
                    raise RulesError(f"规则文件 {source}：{name} 第{i}项应为表，收到 {row!r}")
                _check_types(columns, row, source, f"{name}[{i}].")
        elif isinstance(expected, list):
            bad = [v for v in value if not isinstance(v, str)]
            if bad:
                raise RulesError(f"规则文件 {source}：{name} 应为文本列表，收到 {bad[0]!r}")


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise RulesError(f"规则文件不存在：{path}") from None
    except IsADirectoryError:
        raise RulesError(f"规则文件应为 TOML 文件，而 {path} 是一个目录") from None
    except OSError as e:
        raise RulesError(f"无法读取规则文件：{path}：{e.strerror or e}") from None
    except UnicodeDecodeError:
        raise RulesError(f"规则文件不是 UTF-8 编码的 TOML 文本：{path}") from None
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"规则文件格式错误：{path}：{e}") from None


def _validate(rules: dict) -> None:
    ladder = rules["promotion"]["ladder"]
    names = [r["rank"] for r in ladder]
    if tuple(names) != RANKS:
        raise RulesError("规则文件 promotion.ladder 必须按从低到高列出全部12个职级")
    for r in ladder:
        for key in ("alt_level", "level"):
            if key in r and r[key] not in LEVELS:
                raise RulesError(f"规则文件职级 {r['rank']} 的 {key} 无效：{r[key]}")
        if not 0 <= float(r["min_years"]) <= 10:
            raise RulesError(f"规则文件职级 {r['rank']} 的 min_years 超出范围：{r['min_years']}")
    if rules["promotion"]["ceiling"] not in RANKS:
        raise RulesError(f"规则文件 promotion.ceiling 无效：{rules['promotion']['ceiling']}")
    if [lv["level"] for lv in rules["posts"]["levels"]] != list(LEVELS):
        raise RulesError("规则文件 posts.levels 必须按从低到高列出全部职务层次")
    for edu, rank in rules["initial_grade"].items():
        if edu not in EDUCATIONS or rank not in RANKS:
            raise RulesError(f"规则文件 initial_grade 无效：{edu} = {rank}")
    if not 0 < float(rules["assessment"]["excellent_cap"]) <= 1:
        raise RulesError("规则文件 assessment.excellent_cap 必须在 0 和 1 之间")
    _validate_import(rules["import"])
    _validate_retirement(rules["retirement"])
    _validate_shortlist(rules["shortlist"])


#: The 三优先 criteria a ``[shortlist] priorities`` list may name (qingmiao_lib.shortlist).
SHORTLIST_PRIORITIES = ("heavy_tasks", "frontline", "left_leadership")


def _validate_shortlist(sl: dict) -> None:
    """The [shortlist] criteria: known priorities without repeats, vocabulary values, a window
    in months."""
    from .contract import VOCABS

    prios = sl["priorities"]
    bad = [p for p in prios if p not in SHORTLIST_PRIORITIES]
    if bad:
        raise RulesError(f"规则文件 shortlist.priorities 中的 {bad[0]!r} 不是三优先条件"
                         f"（可选：{'、'.join(SHORTLIST_PRIORITIES)}）")
    if len(set(prios)) != len(prios):
        raise RulesError("规则文件 shortlist.priorities 中有重复的条件")
    for key, vocab in (("heavy_task_programs", "practice_program"), ("frontline_programs", "practice_program"),
                       ("frontline_unit_kinds", "unit_kind"), ("left_leadership_excluded", "supervision_kind")):
        wrong = [v for v in sl[key] if v not in VOCABS[vocab]]
        if wrong:
            raise RulesError(f"规则文件 shortlist.{key} 中的 {wrong[0]!r} 无效（可选：{'、'.join(VOCABS[vocab])}）")
    window = sl["left_leadership_window_months"]
    if isinstance(window, bool | float) or not 1 <= window <= 120:
        raise RulesError(f"规则文件 shortlist.left_leadership_window_months 应为 1–120 之间的整数：{window!r}")


def _validate_retirement(ret: dict) -> None:
    """The [retirement] schedule: whole numbers in sane ranges, YYYY-MM start months, levels of
    the vocabulary."""
    bounds = {"male_base_age_years": (40, 75), "female_base_age_years": (40, 75),
              "step_months": (1, 24), "max_delay_months": (0, 120)}
    for key, (low, high) in bounds.items():
        value = ret[key]
        if isinstance(value, bool | float) or not low <= value <= high:
            raise RulesError(f"规则文件 retirement.{key} 应为 {low}–{high} 之间的整数：{value!r}")
    for key in ("male_start_month", "female_start_month"):
        text = ret[key]
        try:
            if len(text) != 7 or text[4] != "-":
                raise ValueError(text)
            dt.date.fromisoformat(text + "-01")
        except ValueError:
            raise RulesError(f"规则文件 retirement.{key} 应为 YYYY-MM 格式的年月，收到 {text!r}") from None
    bad = [lv for lv in ret["county_levels"] if lv not in LEVELS]
    if bad:
        raise RulesError(f"规则文件 retirement.county_levels 中的 {bad[0]!r} 不是职务层次"
                         f"（可选：{'、'.join(LEVELS)}）")


def _validate_import(imp: dict) -> None:
    """The [import] plausibility bounds: ISO dates, sane numbers, date columns of the contract."""
    for key in ("earliest_birth_date", "earliest_record_date"):
        try:
            if len(imp[key]) != 10 or imp[key][4::3] != "--":
                raise ValueError(imp[key])
            day = dt.date.fromisoformat(imp[key])
        except ValueError:
            raise RulesError(f"规则文件 import.{key} 应为 YYYY-MM-DD 格式的日期，收到 {imp[key]!r}") from None
        if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise RulesError(f"规则文件 import.{key} 应在 1900-01-01 与 2100-12-31 之间：{imp[key]}")
    if not 14 <= imp["min_entry_age"] <= 30 or isinstance(imp["min_entry_age"], float):
        raise RulesError(f"规则文件 import.min_entry_age 应为 14–30 之间的整数：{imp['min_entry_age']}")
    if not 0 <= imp["max_years_ahead"] <= 50 or isinstance(imp["max_years_ahead"], float):
        raise RulesError(f"规则文件 import.max_years_ahead 应为 0–50 之间的整数：{imp['max_years_ahead']}")
    for name in imp["future_allowed"]:
        table, _, column = name.partition(".")
        cols = {c.name: c for c in TABLES[table].columns} if table in TABLES else {}
        if column not in cols or cols[column].type != "date":
            raise RulesError(f"规则文件 import.future_allowed 中的 {name!r} 不是某表的日期列（应写作 表名.列名，"
                             "如 supervision.effective_until）")


def content_hash(rules: dict) -> str:
    """The first 8 hex digits of the sha256 of ``rules`` as canonical JSON (sorted keys, no
    spaces, UTF-8): equal exactly when two merged rule sets hold the same values."""
    text = json.dumps(rules, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def version(rules: dict) -> str:
    """The version string a report or analysis cites: ``[meta] version`` + ``+`` + the content
    hash, e.g. ``cn-default-2026.1+3f9a12c4``."""
    return f"{rules['meta']['version']}+{content_hash(rules)}"


def _flatten(rules: dict) -> tuple[list[tuple], list[tuple]]:
    params, lists = [], []

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(name + ".", value)
            elif isinstance(value, list):
                if value and isinstance(value[0], dict):
                    continue  # tables of rows (ladder, levels) get their own tables
                lists.extend((name, str(v)) for v in value)
            elif isinstance(value, bool):
                params.append((name, float(value), str(value).lower()))
            elif isinstance(value, int | float):
                params.append((name, float(value), str(value)))
            else:
                params.append((name, None, str(value)))

    walk("", rules)
    return params, lists


def install(con: duckdb.DuckDBPyConnection, rules: dict) -> None:
    """Create the temporary rule_* tables on ``con`` (read-only connections included)."""
    params, lists = _flatten(rules)
    # the version cited by every result (db.rules_version reads it) carries the content hash
    params = [(n, num, version(rules) if n == "meta.version" else txt) for n, num, txt in params]
    frames = {
        "rule_params": pd.DataFrame(params, columns=["name", "num", "txt"]),
        "rule_lists": pd.DataFrame(lists, columns=["name", "value"]),
        "rule_ranks_src": pd.DataFrame(
            [
                (r["rank"], i + 1, float(r["min_years"]), r.get("alt_level"), r.get("level"))
                for i, r in enumerate(rules["promotion"]["ladder"])
            ],
            columns=["rank", "step", "min_years", "alt_level", "level"],
        ),
        "rule_levels_src": pd.DataFrame(
            [(lv["level"], i, int(lv["appointment_training_days"]))
             for i, lv in enumerate(rules["posts"]["levels"])],
            columns=["level", "step", "appointment_training_days"],
        ),
        "rule_initial_grade_src": pd.DataFrame(
            list(rules["initial_grade"].items()), columns=["education", "rank"]
        ),
    }
    for name, frame in frames.items():
        con.register(f"_{name}", frame)
    con.execute(
        """
        create or replace temp table rule_params as
            select name::varchar as name, num::double as num, txt::varchar as txt from _rule_params;
        create or replace temp table rule_lists as
            select name::varchar as name, value::varchar as value from _rule_lists;
        create or replace temp table rule_ranks as
            select rank::rank_name as rank, step::integer as step, min_years::double as min_years,
                   (min_years * 12)::integer as required_months,
                   alt_level::post_level as alt_level, level::post_level as level
            from _rule_ranks_src;
        create or replace temp table rule_levels as
            select level::post_level as level, step::integer as step,
                   appointment_training_days::integer as appointment_training_days
            from _rule_levels_src;
        create or replace temp table rule_initial_grade as
            select education::education as education, rank::rank_name as rank
            from _rule_initial_grade_src;
        """
    )
    for name in frames:
        con.unregister(f"_{name}")
