"""The rules file (SPEC §4): shipped defaults with the figures of domain/regulations.md, a
locality's overrides, the rule_* tables in DuckDB, and the errors a bad file gives."""

from __future__ import annotations

import re
import tomllib

import pytest

import qingmiao_lib as qm
from qingmiao_lib import rules
from qingmiao_lib.config import DEFAULT_RULES
from qingmiao_lib.errors import RulesError

# The 12 职级 of 综合管理类, lowest first (regulations §1a lists them highest first).
LADDER = [
    "二级科员", "一级科员", "四级主任科员", "三级主任科员", "二级主任科员", "一级主任科员",
    "四级调研员", "三级调研员", "二级调研员", "一级调研员", "二级巡视员", "一级巡视员",
]


@pytest.fixture(scope="module")
def default():
    return rules.load()


def write(tmp_path, text: str, name: str = "local.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# the shipped default
# ---------------------------------------------------------------------------------------------

def test_default_loads_and_has_a_version(default):
    import hashlib
    import json

    with open(DEFAULT_RULES, "rb") as f:
        raw = tomllib.load(f)
    # the file's version, "+", the first 8 hex of the sha256 of the merged rules as canonical JSON
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
    assert rules.version(default) == f"{raw['meta']['version']}+{digest}"
    assert re.fullmatch(r"cn-default-2026\.1\+[0-9a-f]{8}", rules.version(default))


def test_version_hash_follows_every_value_not_the_key_order(tmp_path, default):
    # the same values written in another order: the same version
    reordered = {k: default[k] for k in reversed(list(default))}
    assert rules.version(reordered) == rules.version(default)
    # one value changed, [meta] version forgotten: another version with the same prefix
    local = rules.load(write(tmp_path, "[lecture]\nattendance_threshold = 0.75\n"))
    assert rules.version(local).split("+")[0] == rules.version(default).split("+")[0]
    assert rules.version(local) != rules.version(default)
    # changed back: the default's version again
    back = rules.load(write(tmp_path, "[lecture]\nattendance_threshold = 0.80\n", "back.toml"))
    assert rules.version(back) == rules.version(default)


def test_ladder_is_the_12_ranks_lowest_first_each_with_min_years(default):
    ladder = default["promotion"]["ladder"]
    assert [r["rank"] for r in ladder] == LADDER
    for r in ladder:
        assert "min_years" in r, r["rank"]
        assert isinstance(r["min_years"], int | float), r["rank"]


@pytest.mark.parametrize(
    ("rank", "years"),
    [
        ("二级科员", 0),      # entry grade
        ("一级科员", 2),      # reg §1a row 11
        ("四级主任科员", 3),  # reg §1a row 10: disputed, default 3
        ("三级主任科员", 2),
        ("一级调研员", 3),    # reg §1a row 3
        ("二级巡视员", 4),
        ("一级巡视员", 4),
    ],
)
def test_ladder_min_years(default, rank, years):
    by_rank = {r["rank"]: r["min_years"] for r in default["promotion"]["ladder"]}
    assert by_rank[rank] == years


def test_default_figures(default):
    assert default["promotion"]["ceiling"] == "二级调研员"          # reg §1e
    assert default["assessment"]["excellent_cap"] == pytest.approx(0.2)  # reg §2
    assert default["assessment"]["streak_block_years"] == 3        # reg §2, §3
    assert default["lecture"]["attendance_threshold"] == pytest.approx(0.8)  # SPEC §5
    assert default["report"]["small_cell_threshold"] == 5          # SPEC §7
    assert default["general"]["young_age_limit"] == 40             # SPEC §5
    assert default["general"]["first_years"] == 5                  # SPEC §5


@pytest.mark.parametrize(
    ("education", "rank"),
    [
        ("高中", "二级科员"),
        ("大专", "二级科员"),
        ("本科", "一级科员"),
        ("硕士研究生", "四级主任科员"),
        ("博士研究生", "二级主任科员"),
    ],
)
def test_initial_grade(default, education, rank):
    assert default["initial_grade"][education] == rank


# ---------------------------------------------------------------------------------------------
# loaded into DuckDB
# ---------------------------------------------------------------------------------------------

def test_rule_ranks_table(con):
    rows = con.execute("select rank::varchar, step from rule_ranks order by step").fetchall()
    assert rows == [(r, i + 1) for i, r in enumerate(LADDER)]
    months = dict(con.execute("select rank::varchar, required_months from rule_ranks").fetchall())
    assert months["一级科员"] == 24        # 2 years
    assert months["四级主任科员"] == 36    # 3 years
    assert months["二级科员"] == 0


def test_rule_params_and_lists_in_duckdb(con):
    def q(sql):
        return con.execute(sql).fetchall()[0][0]

    assert q("select rule_num('assessment.excellent_cap')") == pytest.approx(0.2)
    assert q("select rule_num('lecture.attendance_threshold')") == pytest.approx(0.8)
    assert q("select rule_num('report.small_cell_threshold')") == 5
    assert q("select rule_txt('promotion.ceiling')") == "二级调研员"
    assert q("select count(*) from rule_initial_grade") == 6
    assert q("select rank::varchar from rule_initial_grade where education = '硕士研究生'") == (
        "四级主任科员"
    )
    graded = {v for (v,) in con.execute(
        "select value from rule_lists where name = 'assessment.graded'").fetchall()}
    assert graded == {"优秀", "称职", "基本称职", "不称职"}  # 不定等次 excluded
    levels = con.execute(
        "select level::varchar, step, appointment_training_days from rule_levels order by step"
    ).fetchall()
    assert levels == [("无", 0, 0), ("乡科级副职", 1, 15), ("乡科级正职", 2, 15),
                      ("县处级副职", 3, 30), ("县处级正职", 4, 30)]


# ---------------------------------------------------------------------------------------------
# a locality file overrides key by key
# ---------------------------------------------------------------------------------------------

def test_locality_overrides_one_key_and_keeps_the_rest(tmp_path, default):
    path = write(tmp_path, "[assessment]\nexcellent_cap = 0.25\n")
    local = rules.load(path)
    assert local["assessment"]["excellent_cap"] == pytest.approx(0.25)
    # siblings in the same section and other sections keep the default
    assert local["assessment"]["streak_block_years"] == 3
    assert local["assessment"]["graded"] == default["assessment"]["graded"]
    assert local["promotion"] == default["promotion"]
    assert rules.version(local) != rules.version(default)  # the content hash differs
    # every key other than the overridden one is unchanged
    local["assessment"]["excellent_cap"] = default["assessment"]["excellent_cap"]
    assert local == default


def test_locality_override_reaches_duckdb(tmp_path):
    path = write(tmp_path, '[promotion]\nceiling = "三级调研员"\n[meta]\nversion = "gp-1"\n')
    con = qm.connect(":memory:", create=True, rules=path)
    try:
        assert con.execute("select rule_txt('promotion.ceiling')").fetchall()[0][0] == "三级调研员"
        assert con.execute("select count(*) from rule_ranks").fetchall()[0][0] == 12
        assert qm.rules_version(con) == rules.version(rules.load(path))
        assert re.fullmatch(r"gp-1\+[0-9a-f]{8}", qm.rules_version(con))
    finally:
        con.close()


def test_default_file_is_not_changed_by_an_override(tmp_path):
    rules.load(write(tmp_path, "[assessment]\nexcellent_cap = 0.25\n"))
    assert rules.load()["assessment"]["excellent_cap"] == pytest.approx(0.2)


# ---------------------------------------------------------------------------------------------
# bad files
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('[promotion]\nceiling = "三级巡视员"\n', "unknown ceiling rank"),
        ("[assessment]\nexcellent_cap = 1.5\n", "cap above 1"),
        ("[assessment]\nexcellent_cap = 0\n", "cap of 0"),
        ('[initial_grade]\n"本科" = "科长"\n', "unknown initial grade"),
        ('[initial_grade]\n"小学" = "二级科员"\n', "unknown education"),
        ('[[promotion.ladder]]\nrank = "二级科员"\nmin_years = 0\n', "ladder of one rank"),
        ("[general\nyoung_age_limit = 35\n", "malformed TOML"),
        ("[general]\nyoung_age_limit = \n", "malformed TOML value"),
        ('[import]\nearliest_birth_date = "1940.01"\n', "birth bound not an ISO date"),
        ('[import]\nearliest_birth_date = "1800-01-01"\n', "birth bound before 1900"),
        ('[import]\nearliest_record_date = "19491001"\n', "record bound not an ISO date"),
        ("[import]\nearliest_birth_date = 1940-01-01\n", "a TOML date, not text"),
        ("[import]\nmin_entry_age = 12\n", "entry age below 14"),
        ("[import]\nmin_entry_age = 18.5\n", "entry age not whole"),
        ("[import]\nmax_years_ahead = -1\n", "negative years ahead"),
        ('[import]\nfuture_allowed = ["persons.entry_dat"]\n', "future column misspelt"),
        ('[import]\nfuture_allowed = ["persons.name"]\n', "future column not a date"),
        ('[import]\nfuture_allowed = ["effective_until"]\n', "future column without its table"),
    ],
)
def test_bad_file_raises_rules_error(tmp_path, text, what):
    path = write(tmp_path, text)
    with pytest.raises(RulesError):
        rules.load(path)


# A wrongly typed value once slipped through: float() raised ValueError (a traceback in the CLI)
# and a text young_age_limit loaded and made person_snapshot.young NULL (silently wrong figures).
@pytest.mark.parametrize(
    "text",
    [
        '[assessment]\nexcellent_cap = "20%"\n',     # ValueError from float()
        '[posts]\nlevels = "无"\n',                   # TypeError in _validate
        '[general]\nyoung_age_limit = "forty"\n',    # loads; young becomes NULL
        '[general]\nyoung_age_limt = 35\n',          # a typo must not be silently ignored
        '[[promotion.ladder]]\nrank = "二级科员"\nmin_years = "two"\n',
        '[training]\nnon_class_modes = [1, 2]\n',
    ],
    ids=["cap-as-text", "levels-not-a-table", "age-limit-as-text", "unknown-key",
         "ladder-years-as-text", "list-of-numbers"],
)
def test_wrongly_typed_value_raises_rules_error(tmp_path, text):
    with pytest.raises(RulesError):
        rules.load(write(tmp_path, text))


def test_import_bounds_in_the_default_and_overridable(tmp_path, default):
    imp = default["import"]
    assert imp["earliest_birth_date"] == "1940-01-01" and imp["earliest_record_date"] == "1949-10-01"
    assert imp["min_entry_age"] == 18 and imp["max_years_ahead"] == 5       # reg §5 [LAW Art.13]
    assert imp["future_allowed"] == ["supervision.effective_until", "mentorships.end_date", "practices.end_date"]
    local = rules.load(write(tmp_path, '[import]\nearliest_birth_date = "1930-01-01"\nfuture_allowed = []\n'))
    assert local["import"]["earliest_birth_date"] == "1930-01-01" and local["import"]["future_allowed"] == []
    assert local["import"]["min_entry_age"] == 18


def test_missing_file_raises_rules_error(tmp_path):
    with pytest.raises(RulesError, match="不存在"):
        rules.load(tmp_path / "nope.toml")


def test_bad_rules_file_raises_on_connect(tmp_path):
    path = write(tmp_path, '[promotion]\nceiling = "三级巡视员"\n')
    with pytest.raises(RulesError, match="ceiling"):
        qm.connect(":memory:", create=True, rules=path)


def test_rules_error_is_a_qingmiao_error():
    assert issubclass(RulesError, qm.QingmiaoError)


# ---------------------------------------------------------------------------------------------
# every value in the default file says where it comes from
# ---------------------------------------------------------------------------------------------

# A source: a section of domain/regulations.md ("reg §1a"), of the SPEC ("SPEC §5"), the seed
# article, or an explicit statement that the value is local practice or a convention.
SOURCE = re.compile(r"reg §\d|SPEC §\d|seed article|local practice|local policy|convention")
KEY = re.compile(r'^("[^"]+"|[A-Za-z_][\w]*)\s*=\s*(.*)$')
HEADER = re.compile(r"^\[\[?([^\]]+)\]\]?\s*$")


def _scalar_keys_with_comments():
    """(section, key, the comments that document it) for each non-meta scalar key.

    A key is documented by its inline comment and by the comment block nearest above it
    in the same group of lines (keys written one after another share the comment above them,
    as in ``[training]``); a blank line ends a group.
    """
    lines = DEFAULT_RULES.read_text(encoding="utf-8").splitlines()
    section = ""
    out = []
    for i, line in enumerate(lines):
        if m := HEADER.match(line):
            section = m.group(1)
            continue
        m = KEY.match(line)
        if not m or section == "meta":
            continue
        value = m.group(2)
        if value.startswith("["):  # a list, not a scalar
            continue
        comments = [value.split("#", 1)[1]] if "#" in value else []
        j = i - 1
        while j >= 0 and lines[j].strip() and not lines[j].startswith("#"):
            j -= 1  # other keys and headers of the same group
        while j >= 0 and lines[j].startswith("#"):
            comments.append(lines[j])
            j -= 1
        out.append((section, m.group(1).strip('"'), " ".join(comments)))
    return out


def test_default_scalars_found():
    keys = {(s, k) for s, k, _ in _scalar_keys_with_comments()}
    # the parser sees the keys it is meant to check
    assert ("general", "young_age_limit") in keys
    assert ("promotion.ladder", "min_years") in keys
    assert ("initial_grade", "硕士研究生") in keys
    assert ("report", "small_cell_threshold") in keys
    assert not any(s == "meta" for s, _ in keys)


_SCALARS = _scalar_keys_with_comments()


@pytest.mark.parametrize(
    ("section", "key", "comments"), _SCALARS, ids=[f"{s}.{k}" for s, k, _ in _SCALARS]
)
def test_every_default_scalar_names_its_source(section, key, comments):
    assert SOURCE.search(comments), f"{section}.{key}: no source in comment {comments!r}"


@pytest.mark.parametrize(
    "section",
    ["general", "assessment", "promotion", "promotion.ladder", "posts", "posts.levels",
     "initial_grade", "training"],
)
def test_sections_from_the_regulations_cite_them(section):
    documented = " ".join(c for s, _, c in _scalar_keys_with_comments() if s == section)
    assert "reg §" in documented, section


def test_ladder_rows_cite_their_row_of_reg_1a():
    # regulations §1a numbers the ranks highest first: the lowest (二级科员) is row 12
    rows = [c for s, k, c in _scalar_keys_with_comments()
            if s == "promotion.ladder" and k == "min_years"]
    assert len(rows) == 12
    for i, comment in enumerate(rows):
        assert re.search(rf"reg §1a row {12 - i}\b", comment), (LADDER[i], comment)
