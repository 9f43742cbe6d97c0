"""``--county CODE`` at the command line (issue 23): on a combined database a command analyses one
county's records judged by that county's own rules — what the county's own database gives —
and says which county; an unknown code or a county's own database is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import county_copies

from qingmiao_lib import commands
from qingmiao_lib.cli import build_parser, main

YEAR = 2023
AS_OF = "2023-12-31"
# County B's own rules: a lower ceiling and young limit than the defaults A keeps, so a county
# judged by the other's rules shows in its figures and eligibility.
B_RULES = '[general]\nyoung_age_limit = 35\n\n[promotion]\nceiling = "四级调研员"\n'
NAMES = {"A": "甲县", "B": "乙县"}
ANALYSES = ("report", "figures", "eligible", "retirements", "shortlist", "units", "roster", "project")


@pytest.fixture(scope="module")
def prefecture(two_counties_built, tmp_path_factory) -> dict[str, Path]:
    """Two demo counties of 300 persons (seeds 5 and 6), B with its own rules, combined at the
    command line as A (甲县) and B (乙县)."""
    folder = tmp_path_factory.mktemp("county_cli")
    county_copies(two_counties_built, folder, ("A", "B"))
    (folder / "b.toml").write_text(B_RULES, "utf-8")
    out = folder / "P.duckdb"
    assert main(["combine", "--out", str(out), f"A={folder / 'A.duckdb'}", f"B={folder / 'B.duckdb'}",
                 "--county", "A=甲县", "--county", "B=乙县", "--county-rules", f"B={folder / 'b.toml'}",
                 "--allow-different-rules"]) == 0
    return {"P": out, "A": folder / "A.duckdb", "B": folder / "B.duckdb", "b_rules": folder / "b.toml"}


def output(capsys, *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def own(prefecture, code: str) -> list[str]:
    """``--db`` of the county's own database, with its own rules."""
    return ["--db", str(prefecture[code]), *(["--rules", str(prefecture["b_rules"])] if code == "B" else [])]


def unprefixed(records: list[dict], code: str) -> list[dict]:
    """Records with the combined database's key prefix ``CODE:`` taken off their keys."""
    def strip(v):
        assert not isinstance(v, str) or not v.startswith(f"{code}:") or ":" not in v[len(code) + 1:]
        return v[len(code) + 1:] if isinstance(v, str) and v.startswith(f"{code}:") else v

    return [{k: strip(v) if k.endswith("_id") else v for k, v in r.items()} for r in records]


def test_every_analysing_command_takes_county():
    parser = build_parser()
    helps = {m.NAME: m for m in commands.load()}
    for name in ANALYSES:
        assert name in helps
        sub = parser._subparsers._group_actions[0].choices[name]
        assert any("--county" in a.option_strings for a in sub._actions), name


@pytest.mark.parametrize("code", ["A", "B"])
def test_figures_of_a_county_are_its_own_databases(prefecture, capsys, code):
    sliced = json.loads(output(capsys, "figures", "--db", str(prefecture["P"]), "--county", code,
                               "--year", str(YEAR), "--format", "json"))
    alone = json.loads(output(capsys, "figures", *own(prefecture, code), "--year", str(YEAR), "--format", "json"))
    assert sliced == alone
    if code == "B":         # B's own rules matter: under the defaults its young (F1) count differs
        default = json.loads(output(capsys, "figures", "--db", str(prefecture["B"]), "--year", str(YEAR),
                                    "--format", "json"))
        assert default["F1"] != sliced["F1"]
    table = output(capsys, "figures", "--db", str(prefecture["P"]), "--county", code, "--year", str(YEAR))
    assert table.splitlines()[0].startswith(f"{NAMES[code]}（汇总数据库中的县 {code}）")


@pytest.mark.parametrize("code", ["A", "B"])
def test_eligibility_of_a_county_is_its_own_databases(prefecture, capsys, code):
    sliced = json.loads(output(capsys, "eligible", "--db", str(prefecture["P"]), "--county", code,
                               "--as-of", AS_OF, "--format", "json"))
    alone = json.loads(output(capsys, "eligible", *own(prefecture, code), "--as-of", AS_OF, "--format", "json"))
    assert sliced and all(r["person_id"].startswith(f"{code}:") for r in sliced)
    key = lambda r: r["person_id"]                                  # noqa: E731
    assert sorted(unprefixed(sliced, code), key=key) == sorted(alone, key=key)
    assert {r["eligible"] for r in alone} == {True, False}          # the lists say something


def test_the_report_of_a_county_names_it_and_keeps_the_prefectures_file(prefecture, capsys, tmp_path,
                                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)                                      # reports/ is relative
    printed = output(capsys, "report", "--db", str(prefecture["P"]), "--county", "A", "--year", str(YEAR))
    page = tmp_path / "reports" / f"qingmiao-{YEAR}-A.html"
    assert str(Path("reports") / page.name) in printed
    assert not (tmp_path / "reports" / f"qingmiao-{YEAR}.html").exists()
    html = page.read_text("utf-8")
    cover = html[html.index('<header class="cover">'):html.index("</header>")]
    assert "<dt>辖区</dt><dd>甲县（汇总数据库中的县 A）</dd>" in cover
    assert "乙县" not in cover and "乙县" not in html
    assert 'id="counties"' not in html                               # one county: no side-by-side


def test_a_countys_batch_of_unit_reports_has_its_own_default_folder():
    from qingmiao_lib import report
    from qingmiao_lib.commands import report as command

    args = build_parser().parse_args(["report", "--year", str(YEAR), "--by-unit", "--county", "A"])
    assert command._default_dir(args) == report.default_unit_dir(YEAR).with_name(f"units-{YEAR}-A")
    args.county = None
    assert command._default_dir(args) is None and command._default_out(args) == report.default_out(YEAR)


@pytest.mark.parametrize("argv", [
    ["figures", "--year", "2023"], ["eligible", "--as-of", AS_OF], ["units"],
    ["report", "--year", "2023"], ["retirements", "--as-of", AS_OF, "--years", "2"],
    ["shortlist", "--as-of", AS_OF],
])
def test_an_unknown_county_is_one_line_listing_the_codes(prefecture, capsys, argv):
    capsys.readouterr()
    assert main([*argv, "--db", str(prefecture["P"]), "--county", "C"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert "没有这个县" in err[0] and "A、B" in err[0]


def test_county_on_a_countys_own_database_is_a_usage_error(prefecture, capsys):
    capsys.readouterr()
    assert main(["eligible", "--db", str(prefecture["A"]), "--as-of", AS_OF, "--county", "A"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "汇总数据库" in err[0] and "去掉 --county" in err[0]


def test_county_with_rules_is_a_usage_error(prefecture, capsys):
    # the county is judged by its recorded rules; another rules file would contradict that
    capsys.readouterr()
    assert main(["figures", "--db", str(prefecture["P"]), "--year", "2023", "--county", "B",
                 "--rules", str(prefecture["b_rules"])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--rules" in err[0]
