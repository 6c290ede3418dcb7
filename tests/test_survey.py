"""The module survey's 0-10 推荐意愿 question and the NPS that ``grading survey`` computes from it
(推荐者 9-10 分占比 − 贬损者 0-6 分占比).  The rest of the survey is tested in test_teacher_material.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import course
from course.forms.survey_form import RECOMMEND_OPTIONS, ModuleSurvey, module_fields
from grading import survey


@pytest.mark.parametrize(
    "scores,expect",
    [
        (["10", "9", "7", "3"], 25.0),  # 2 promoters, 1 passive, 1 detractor of 4
        (["9", "10", "9"], 100.0),
        (["0", "6", "5"], -100.0),
        (["7", "8"], 0.0),  # passives only
        (["6", "6", "10"], -33.3),
        ([], None),
    ],
)
def test_nps_is_promoters_share_minus_detractors_share(scores, expect):
    r = survey.nps(scores)
    assert r["nps"] == expect
    assert r["promoters"] + r["passives"] + r["detractors"] == r["n"] == len(scores)


def test_nps_boundaries_and_invalid_answers():
    r = survey.nps(["9", "8", "7", "6", "11", "-1", "abc", None, "7.5", True])
    assert (r["n"], r["promoters"], r["passives"], r["detractors"]) == (4, 1, 2, 1)  # 9 | 8, 7 | 6
    assert r["counts"]["9"] == 1 and sum(r["counts"].values()) == 4


def test_module_survey_asks_the_0_to_10_question(in_tmp):
    course.start("module2_campaign", "04_monitor", quiet=True)
    field = next(f for f in module_fields("module2_campaign") if f.name == "recommend")
    assert RECOMMEND_OPTIONS == [str(i) for i in range(11)] and field.options == RECOMMEND_OPTIONS
    assert "推荐" in field.label and "0" in field.help and "10" in field.help
    s = ModuleSurvey("module2_campaign")  # the call every module notebook makes
    assert s.submit({"difficulty": "执行监控", "pace": "合适", "recommend": "11"})  # not 0-10 -> a message
    assert s.submit({"recommend": "9"}) == []
    assert ModuleSurvey("module2_campaign").values["recommend"] == "9"
    assert "9" not in ModuleSurvey("module2_campaign").text().split("）")[-1]  # still not echoed


def _answer_file(folder: Path, module: str, raw: dict, monkeypatch) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(folder)
    course.start(module, "last", quiet=True)
    ModuleSurvey(module).submit(raw)


@pytest.fixture
def answers(tmp_path, monkeypatch):
    sub = tmp_path / "classroom" / "submitted"
    m1 = [("s1", "10"), ("s2", "9"), ("s3", "7"), ("s4", "3"), ("s5", None)]  # s5: an older survey, no score
    for sid, score in m1:
        raw = {"difficulty": "选品分析", "pace": "合适", **({"recommend": score} if score else {})}
        _answer_file(sub / sid / "module1_listing", "module1_listing", raw, monkeypatch)
    for sid, score in [("s1", "6"), ("s2", "9")]:
        _answer_file(
            sub / sid / "module4_crm",
            "module4_crm",
            {"difficulty": "用户分层", "pace": "合适", "recommend": score},
            monkeypatch,
        )
    return tmp_path / "classroom"


def test_grading_survey_reports_nps_per_module_and_overall(answers, tmp_path, capsys):
    out = tmp_path / "r.md"
    assert survey.main(["--workspace", str(answers), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    m1 = text.split("## 模块一")[1].split("## ")[0]
    assert "回答人数：5" in m1  # the survey without a score still counts
    assert "推荐意愿（0-10 分，4 人回答）" in m1 and "**NPS = +25**" in m1
    table = text.split("## 推荐意愿与 NPS")[1]
    assert "| 4 | 2 | 1 | 1 | +25 |" in table  # module 1
    assert "| 2 | 1 | 0 | 1 | +0 |" in table  # module 4: 9 and 6
    assert "| 6 | 3 | 1 | 2 | +17 |" in table  # all six scores: 50% − 33.3%
    assert "NPS +25（4 人回答推荐意愿）" in printed
    for sid in ("s1", "s2", "s3", "s4", "s5"):
        assert f"{sid}/" not in text and f"{sid}\\" not in text


def test_grading_survey_html_shows_the_nps_table(answers, tmp_path):
    out = tmp_path / "r.html"
    assert survey.main(["--workspace", str(answers), "--module", "module1_listing", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h2>推荐意愿与 NPS</h2>" in page and "<b>NPS = +25</b>" in page
    assert re.search(r"<td>\s*\+25\s*</td>", page)


def test_no_scores_yet_says_so(tmp_path, monkeypatch):
    _answer_file(
        tmp_path / "c" / "submitted" / "s1" / "module3_analytics",
        "module3_analytics",
        {"difficulty": "漏斗诊断", "pace": "太快"},
        monkeypatch,
    )
    out = tmp_path / "r.md"
    assert survey.main(["--workspace", str(tmp_path / "c"), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "还没有人回答，无法计算 NPS" in text and "| 0 | 0 | 0 | 0 | — |" in text
    saved = json.loads(next((tmp_path / "c").rglob("*.answers.json")).read_text(encoding="utf-8"))
    assert "recommend" not in saved["forms"]["survey_module3_analytics"]["raw"] or saved["forms"][
        "survey_module3_analytics"
    ]["raw"]["recommend"] in ("", None)


def test_doctests():
    import doctest

    from course.forms import survey_form

    assert doctest.testmod(survey).failed == 0 and doctest.testmod(survey_form).failed == 0
