"""The import contract of SPEC §3 in one place: every table's English and Chinese names, its
columns (English and Chinese headers, type, required or not, allowed values, meaning) and its
natural key. The template, the importer and the data-quality check all read it from here.

The module is over 300 lines because most of it is :data:`TABLES`, the one list of every table and
column, kept whole so the contract reads top to bottom as SPEC §3 does.

>>> TABLES["persons"].zh
'人员'
>>> TABLES["persons"].column("gender").vocab
('男', '女')
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

#: Column types: how a cell is read (see ``sql/importer/macros.sql``).
#: text · date (any spelling of SPEC §3) · int · decimal · bool (是/否, Y/N, true/false) ·
#: enum (one of ``vocab``) · quarter (1–4) · id_number (validated, never stored).
#: A text column is a *code* (a key or a reference: compared for identity, full-width letters and
#: digits folded to half-width on import), a *note* (``multiline``: free text that may hold line
#: breaks and tabs) or a plain single-line value (names, titles), kept exactly as typed.
TYPE_LABELS = {
    "text": "文本", "date": "日期", "int": "整数", "decimal": "数值", "bool": "是/否",
    "enum": "选项", "quarter": "整数1–4", "id_number": "18位身份证号",
}

_RANKS = ("二级科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
          "四级调研员", "三级调研员", "二级调研员", "一级调研员", "二级巡视员", "一级巡视员")

#: The vocabularies (the ENUM types of ``schema.sql``; a test keeps them equal).
VOCABS: dict[str, tuple[str, ...]] = {
    "unit_kind": ("市直机关", "乡镇街道", "其他"),
    "gender": ("男", "女"),
    "education": ("高中", "中专", "大专", "本科", "硕士研究生", "博士研究生"),
    "entry_channel": ("考试录用", "选调生", "遴选", "调任", "军转安置", "其他"),
    "post_level": ("无", "乡科级副职", "乡科级正职", "县处级副职", "县处级正职"),
    "rank_name": _RANKS,
    "rank_reason": ("定级", "晋升", "平级调整", "降级"),
    "pool_name": ("年轻公务员库", "两型干部库"),
    "training_kind": ("初任培训", "任职培训", "专门业务培训", "在职培训"),
    "training_mode": ("脱产", "网络", "其他"),
    "lecture_topic": ("理论教育", "党性教育", "基层治理", "乡村振兴", "其他"),
    "attendance_status": ("出席", "请假"),
    "mentor_role": ("政治导师", "业务导师"),
    "practice_program": ("千万工程", "驻村帮扶", "营商环境专班", "主题教育", "轮岗交流", "其他"),
    "annual_grade": ("优秀", "称职", "基本称职", "不称职", "不定等次"),
    "quarter_grade": ("好", "较好", "一般", "较差"),
    "reward_kind": ("嘉奖", "三等功", "二等功", "一等功", "其他"),
    "supervision_kind": ("谈心谈话", "提醒谈话", "批评教育", "诫勉", "组织处理", "处分"),
    "education_kind": ("全日制", "在职"),
    "resume_kind": ("工作", "学习", "职级"),
}


@dataclass(frozen=True)
class Column:
    """One column of an import table."""

    name: str
    zh: str
    type: str
    required: bool = True
    vocab_name: str | None = None
    meaning: str = ""
    default: str | None = None
    refers: tuple[str, str] | None = None  # (table, column) this column must exist in
    multiline: bool = False                 # free text: line breaks and tabs allowed inside

    @property
    def is_code(self) -> bool:
        """A key or reference text (人员编号, 单位代码, 讲座编号 …): compared for identity."""
        return self.type == "text" and (self.refers is not None or self.name in CODE_COLUMNS)

    @property
    def vocab(self) -> tuple[str, ...] | None:
        return VOCABS[self.vocab_name] if self.vocab_name else None

    @property
    def stored(self) -> bool:
        """False for identity numbers: checked on import, never stored."""
        return self.type != "id_number"


@dataclass(frozen=True)
class Table:
    """One import table: names, columns, natural key (``key``) and interval (``interval``)."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    interval: tuple[str, str] | None = None  # (start, end) of a valid-time interval
    note: str = ""
    extra_names: tuple[str, ...] = field(default=())
    #: An import replaces all rows of each person it names (a person's 简历 or education history
    #: is read whole: a line dropped from a corrected 简历 must not stay behind).
    per_person: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.stored)


#: Text columns that are keys of their table (the references to them are codes too).
CODE_COLUMNS = frozenset({"unit_id", "person_id", "lecture_id"})


def C(name, zh, type_="text", required=True, vocab=None, meaning="", default=None, refers=None,
      multiline=False):
    return Column(name, zh, type_, required, vocab, meaning or zh, default, refers, multiline)


_P = ("persons", "person_id")
_PID = C("person_id", "人员编号", meaning="人员编号（本单位自定的唯一编号）", refers=_P)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("units", "单位", (
        C("unit_id", "单位代码", meaning="单位代码（唯一）"),
        C("name", "单位名称"),
        C("kind", "单位类别", "enum", vocab="unit_kind"),
        C("parent_id", "上级单位代码", required=False, refers=("units", "unit_id")),
    ), key=("unit_id",)),
    Table("persons", "人员", (
        _PID,
        C("name", "姓名"),
        C("gender", "性别", "enum", vocab="gender"),
        C("ethnicity", "民族", required=False),
        C("birth_date", "出生年月", "date"),
        C("political_status", "政治面貌", required=False),
        C("party_join_date", "入党时间", "date", required=False),
        C("education", "学历", "enum", vocab="education", meaning="最高学历"),
        C("degree", "学位", required=False),
        C("full_time_education", "是否全日制", "bool", required=False, meaning="最高学历是否全日制"),
        C("work_start_date", "参加工作时间", "date", required=False),
        C("entry_date", "录用时间", "date", meaning="录用（进入公务员队伍）时间"),
        C("entry_channel", "进入方式", "enum", required=False, vocab="entry_channel"),
        C("exit_date", "退出时间", "date", required=False, meaning="退出公务员队伍时间（在职留空）"),
        C("exit_reason", "退出原因", required=False, multiline=True),
        C("id_number", "身份证号", "id_number", required=False,
          meaning="仅用于核对出生日期和性别，导入后不保存"),
        C("native_place", "籍贯", required=False),
        C("birthplace", "出生地", required=False),
        C("professional_title", "专业技术职务", required=False),
    ), key=("person_id",)),
    Table("posts", "职务", (
        _PID,
        C("unit_id", "单位代码", refers=("units", "unit_id")),
        C("title", "职务名称"),
        C("level", "职务层次", "enum", vocab="post_level"),
        C("start_date", "任职时间", "date"),
        C("end_date", "免职时间", "date", required=False, meaning="免职时间（现任留空）"),
    ), key=("person_id", "unit_id", "start_date"), interval=("start_date", "end_date")),
    Table("ranks", "职级", (
        _PID,
        C("rank", "职级", "enum", vocab="rank_name"),
        C("start_date", "任职级时间", "date"),
        C("end_date", "免职级时间", "date", required=False, meaning="免职级时间（现职级留空）"),
        C("reason", "变动原因", "enum", vocab="rank_reason"),
    ), key=("person_id", "start_date"), interval=("start_date", "end_date")),
    Table("pool_members", "人才库", (
        _PID,
        C("pool", "库别", "enum", vocab="pool_name"),
        C("entered_on", "入库时间", "date"),
        C("exited_on", "出库时间", "date", required=False, meaning="出库时间（在库留空）"),
        C("source", "来源", required=False, multiline=True),
        C("exit_reason", "出库原因", required=False, multiline=True),
    ), key=("person_id", "pool", "entered_on"), interval=("entered_on", "exited_on")),
    Table("trainings", "培训", (
        _PID,
        C("kind", "培训类别", "enum", vocab="training_kind"),
        C("topic", "培训主题", required=False, multiline=True),
        C("provider", "承办单位", required=False, multiline=True),
        C("start_date", "开始时间", "date"),
        C("end_date", "结束时间", "date", meaning="结束时间（含当天；一天的培训与开始时间相同）"),
        C("hours", "学时", "decimal", meaning="学时（大于0，不超过2000）"),
        C("mode", "方式", "enum", required=False, vocab="training_mode"),
        C("passed", "是否合格", "bool", required=False, default="是", meaning="是否合格（留空为是）"),
    ), key=("person_id", "kind", "start_date", "end_date", "topic", "provider"),
        note="无主键：以 人员编号+培训类别+开始时间+结束时间+培训主题+承办单位 识别同一条培训"),
    Table("lectures", "每周一讲", (
        C("lecture_id", "讲座编号", meaning="讲座编号（唯一）"),
        C("held_on", "日期", "date"),
        C("topic", "主题类别", "enum", vocab="lecture_topic"),
        C("title", "题目", required=False, multiline=True),
    ), key=("lecture_id",)),
    Table("lecture_attendance", "每周一讲出勤", (
        C("lecture_id", "讲座编号", refers=("lectures", "lecture_id")),
        _PID,
        C("status", "状态", "enum", vocab="attendance_status", meaning="出勤状态（缺席不填行）"),
    ), key=("lecture_id", "person_id"), note="讲座编号+人员编号 唯一；缺席不填行"),
    Table("mentorships", "导师", (
        _PID,
        C("mentor_id", "导师人员编号", refers=_P, meaning="导师的人员编号（须在人员表中）"),
        C("role", "导师类别", "enum", vocab="mentor_role"),
        C("start_date", "开始时间", "date"),
        C("end_date", "结束时间", "date", required=False),
    ), key=("person_id", "role", "start_date"), interval=("start_date", "end_date")),
    Table("practices", "实践锻炼", (
        _PID,
        C("program", "实践项目", "enum", vocab="practice_program"),
        C("start_date", "开始时间", "date"),
        C("end_date", "结束时间", "date", required=False),
        C("rating", "评价", required=False, multiline=True),
    ), key=("person_id", "program", "start_date"), interval=("start_date", "end_date")),
    Table("annual_assessments", "年度考核", (
        _PID,
        C("year", "年度", "int"),
        C("grade", "考核等次", "enum", vocab="annual_grade"),
    ), key=("person_id", "year")),
    Table("regular_assessments", "平时考核", (
        _PID,
        C("year", "年度", "int"),
        C("quarter", "季度", "quarter"),
        C("grade", "等次", "enum", vocab="quarter_grade"),
    ), key=("person_id", "year", "quarter")),
    Table("special_tasks", "急难险重任务", (
        _PID,
        C("task", "任务名称", multiline=True),
        C("started_on", "开始时间", "date"),
        C("rating", "表现", required=False, multiline=True),
    ), key=("person_id", "task", "started_on")),
    Table("rewards", "奖励", (
        _PID,
        C("awarded_on", "奖励时间", "date"),
        C("kind", "奖励类别", "enum", vocab="reward_kind"),
        C("reason", "事由", required=False, multiline=True),
    ), key=("person_id", "awarded_on", "kind")),
    Table("supervision", "监督管理", (
        _PID,
        C("held_on", "时间", "date"),
        C("kind", "类别", "enum", vocab="supervision_kind"),
        C("effective_until", "影响期至", "date", required=False),
    ), key=("person_id", "held_on", "kind")),
    Table("quotas", "职数", (
        C("year", "年度", "int"),
        C("unit_id", "单位代码", required=False, refers=("units", "unit_id"),
          meaning="单位代码（留空 = 全辖区）"),
        C("rank", "职级", "enum", vocab="rank_name"),
        C("max_count", "职数", "int", meaning="职数（不小于0）"),
    ), key=("year", "unit_id", "rank"), note="无主键：以 年度+单位代码+职级 识别同一条职数"),
    Table("education_history", "学历学位", (
        _PID,
        C("kind", "教育类别", "enum", vocab="education_kind", meaning="全日制教育或在职教育"),
        C("level", "学历", "enum", vocab="education"),
        C("degree", "学位", required=False),
        C("school", "毕业院校", required=False, multiline=True),
        C("major", "专业", required=False, multiline=True),
        C("start_date", "入学时间", "date", required=False),
        C("end_date", "毕业时间", "date", required=False),
    ), key=("person_id", "kind", "level"), per_person=True,
        note="每人每个教育类别和学历一行；导入时以文件中的记录替换该人的全部学历学位记录"),
    Table("resume_entries", "简历", (
        _PID,
        C("line_no", "行号", "int", meaning="该条简历在简历原文中的起始行号（从1起）"),
        C("start_date", "开始时间", "date"),
        C("end_date", "结束时间", "date", required=False, meaning="结束时间（至今留空）"),
        C("kind", "类别", "enum", vocab="resume_kind", meaning="工作、学习或职级变动"),
        C("organisation", "单位", required=False, multiline=True,
          meaning="单位名称（单位名单中的单位为其名称，名单外为简历原文）"),
        C("title", "职务", required=False, multiline=True),
        C("level", "职务层次", "enum", required=False, vocab="post_level"),
        C("content", "内容", multiline=True, meaning="简历原文（不含起止时间和括号中的说明）"),
        C("note", "说明", required=False, multiline=True, meaning="括号中的说明，如（其间：…学习）、（试用期）"),
    ), key=("person_id", "line_no"), per_person=True,
        note="每条简历一行；导入时以文件中的记录替换该人的全部简历"),
)}

#: Tables in load order: referenced tables first.
ORDER: tuple[str, ...] = tuple(TABLES)

#: Tables other tables refer to by a declared foreign key: changed in place, never deleted
#: and re-inserted while referenced.
PARENTS = ("units", "persons")


def norm_name(text: str) -> str:
    """A header or sheet name as compared: NFKC, no spaces, no invisible format characters (a
    stray BOM or zero-width space), lower case, no trailing ``*``."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    return "".join(text.split()).rstrip("*")


#: Sheet or file name (English or Chinese, normalised) → table.
TABLE_BY_NAME: dict[str, str] = {
    **{norm_name(t.name): t.name for t in TABLES.values()},
    **{norm_name(t.zh): t.name for t in TABLES.values()},
}


def header_map(table: str) -> dict[str, str]:
    """Normalised English or Chinese header → column name of ``table``."""
    out = {}
    for c in TABLES[table].columns:
        out[norm_name(c.name)] = c.name
        out[norm_name(c.zh)] = c.name
    return out


def references() -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, referenced column) for every reference."""
    return [(t.name, c.name, *c.refers) for t in TABLES.values() for c in t.columns if c.refers]
