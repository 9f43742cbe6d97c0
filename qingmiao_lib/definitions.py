"""The report's methods appendix: every definition in Chinese, with the values of the rules file
the database was opened with — a locality's override changes the text as it changes the result.

``definitions(con)`` returns ``[(group, term, text), ...]`` in report order.
"""

from __future__ import annotations

import duckdb


def _rules(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    params = {n: (num, txt) for n, num, txt in
              con.execute("select name, num, txt from rule_params").fetchall()}
    lists: dict[str, list[str]] = {}
    for n, v in con.execute("select name, value from rule_lists order by rowid").fetchall():
        lists.setdefault(n, []).append(v)
    return params, lists


def _num(params: dict, name: str) -> str:
    num, txt = params[name]
    if num is None:
        return str(txt)
    return f"{num:g}" if num != int(num) else str(int(num))


def _pct(params: dict, name: str) -> str:
    return f"{params[name][0] * 100:g}%"


def _day(params: dict, name: str) -> str:
    month, day = str(params[name][1]).split("-")
    return f"{int(month)}月{int(day)}日"


def definitions(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """The report's definitions ``(group, term, text)`` from the rules the connection loaded."""
    p, lists = _rules(con)
    n = lambda name: _num(p, name)  # noqa: E731
    j = lambda name: "、".join(lists.get(name, [])) or "（无）"  # noqa: E731
    ladder = con.execute(
        "select rank::varchar, min_years, alt_level::varchar from rule_ranks order by step").fetchall()
    ceiling = p["promotion.ceiling"][1]
    top = next((i for i, r in enumerate(ladder) if r[0] == ceiling), len(ladder) - 1)
    steps = "；".join(
        f"晋升{rank}须任{ladder[i - 1][0]}满{int(years)}年"
        + (f"（或任{alt}及以上领导职务满{int(years)}年）" if alt else "")
        for i, (rank, years, alt) in enumerate(ladder[: top + 1]) if i and years)
    levels = con.execute(
        "select level, appointment_training_days from rule_levels where step > 0 order by step").fetchall()
    days = "、".join(f"{lv}不少于{int(d)}天" for lv, d in levels)
    return [
        ("通用", "统计时点", f"年度数据取当年{_day(p, 'general.year_end')}的状态；期间类数据取当年1月1日至统计时点。"),
        ("通用", "在职", "入职日期不晚于统计日，且没有离职日期或离职日期晚于统计日（离职当日不再计为在职）。"),
        ("通用", "年龄", "统计日的周岁：当年生日已过才加一岁（2月29日出生者在平年按2月28日计），不以年份相减。"),
        ("通用", "年轻公务员", f"统计日未满{n('general.young_age_limit')}周岁的在职公务员。"),
        ("通用", "入职五年内", f"在职且入职日期晚于统计日前{n('general.first_years')}年的同一天。"),
        ("通用", "整月数", "从起始日起，加上若干个月（遇月末取当月最后一天）仍不晚于统计日的最大月数。"),
        ("核心指标", "F2 两型干部库中的年轻公务员",
         "统计时点在两型干部库且在职的年轻公务员人数；占比的分母为统计时点两型干部库全部在库在职人数（各年龄）。"),
        ("核心指标", "F5 年度考核优秀的年轻公务员",
         "当年度考核为优秀、当年在职过且12月31日为年轻公务员的人数；占比的分母为当年度考核为优秀的全部人数（各年龄）。"),
        ("核心指标", "F6 连续优秀记三等功的年轻公务员",
         f"当年完成一个{n('assessment.streak_block_years')}年连续优秀周期（应记三等功）且为年轻公务员的人数；"
         f"占比的分母为当年完成一个{n('assessment.streak_block_years')}年连续优秀周期的全部人数（各年龄）。"),
        ("教育培训", "初任培训（凡进必训）",
         f"进入方式为{j('training.recruit_channels')}的新录用人员，须在入职后{n('training.initial_deadline_months')}个月内"
         f"参加并通过初任培训（不少于{n('training.initial_min_days')}天）；未到期限者计为“待训”，不计为“未训”。"),
        ("教育培训", "任职培训（应训必训）",
         f"提任较高层次领导职务者，须在任职前{n('training.appointment_window_before_months')}个月至任职后"
         f"{n('training.appointment_window_after_months')}个月内参加任职培训：{days}。"),
        # training.online_min_hours (网络学习学时) is checked by no analysis yet: not printed
        ("教育培训", "在职培训（全员覆盖）",
         f"全年在职者当年参加培训不少于{n('training.in_service_min_hours')}学时或{n('training.in_service_min_days')}天"
         f"（按天计的脱产培训每天折{n('training.hours_per_day')}学时）。"),
        ("教育培训", "培训人次", f"开始日期在当年、培训方式不属于{j('training.non_class_modes')}的培训记录数。"),
        ("教育培训", "每周一讲出勤率",
         f"出席场次 ÷ 本人在职且年轻期间举办的场次；请假单列；低于{_pct(p, 'lecture.attendance_threshold')}的予以提示。"),
        ("教育培训", "双导师", f"入职五年内人员在统计日同时有在任的政治导师和业务导师；每位导师带教不宜超过{n('mentors.max_mentees')}人。"),
        ("考核评价", "优秀比例", f"优秀人数 ÷ 确定等次人数（{j('assessment.graded')}；不定等次不计）；超过{_pct(p, 'assessment.excellent_cap')}的单位予以提示。"),
        ("考核评价", "连续优秀记三等功",
         f"连续优秀年度按每{n('assessment.streak_block_years')}年一段不重叠切分，每满一段在其最后一年记三等功一次；"
         f"该年或其后{n('assessment.merit_record_window_years')}年内有三等功记录的视为已记。"),
        ("考核评价", "苗头性问题预警",
         f"上一年度考核为基本称职或不称职；最近四个季度平时考核有{j('assessment.quarter_warning_grades')}；"
         f"有在效的{j('promotion.blocking_supervision')}；必训项目逾期未完成，即以下两项之一："
         f"初任培训逾期（新录用人员入职满{n('training.initial_deadline_months')}个月仍未完成规定天数的初任培训）、"
         f"任职培训逾期（提任较高层次领导职务满{n('training.appointment_window_after_months')}个月"
         "仍未完成规定天数的任职培训）；与“必训未完成人员名单”的口径相同，并列出到期日。"),
        ("选拔使用", "职级晋升资格",
         f"晋升上一职级（不超过{ceiling}）：{steps}。"
         f"任职年限内，{_day(p, 'promotion.tenure_year_cutoff')}前已任现职级的年度计入考核年度；"
         f"每个{j('promotion.uncounted_grades')}年度扣减{n('promotion.uncounted_penalty_months')}个月任职年限，"
         f"每个优秀年度减少{n('promotion.excellent_reduction_months')}个月年限要求；"
         f"上一年度考核须为{j('promotion.last_year_grades')}；"
         f"受{j('promotion.blocking_supervision')}影响期间不得晋升；以上均满足即“个人条件符合”。"
         "职数空缺 = 当年该职级职数 − 统计日现有人数；个人条件符合者多于空缺时须择优，不等于人人可晋升；"
         "所拟晋升职级职数已满的计为“职数已满”。"),
        ("选拔使用", "领导职务提拔", "新任领导职务的层次高于本人前一职务层次。"),
        ("选拔使用", "近退转职级（F8）",
         f"不再年轻者在领导职务结束前后{n('figures.step_down_window_days')}天内晋升职级，且此后未再任领导职务。"),
        ("披露控制", "小数保护",
         f"不足{n('report.small_cell_threshold')}人的格显示为“<{n('report.small_cell_threshold')}”；"
         "为防止由行、列合计反推，另行隐去的格显示为“×”；由被隐去人数计算的比例显示为“—”。"),
    ]
