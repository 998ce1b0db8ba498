"""Choosing a judge by name."""

from __future__ import annotations

import importlib
import inspect
import sys

import pytest

from genjudge.judges import load_judge
from genjudge.judges.reference import ReferenceSimilarityJudge
from genjudge.judges.registry import JUDGES, JudgeEntry, JudgeName, check_options, judge_names, judge_options


def test_reference_judge_is_built_with_its_options():
    judge = load_judge("reference", embedder="lexical", tie_margin=0.1)
    assert isinstance(judge, ReferenceSimilarityJudge)
    assert judge.tie_margin == 0.1 and judge.judge_id == "reference-similarity/lexical-tfidf"


def test_unknown_name_lists_the_available_judges():
    with pytest.raises(ValueError, match="unknown judge 'gpt5'") as err:
        load_judge("gpt5")
    for name in ("reference", "intjudge", "api"):
        assert repr(name) in str(err.value)
    assert judge_names() == ["reference", "intjudge", "api"]


def test_a_misspelt_option_lists_the_accepted_ones_with_what_they_do():
    with pytest.raises(
        ValueError, match=r"does not take option\(s\) embeder; it accepts:\n  embedder: "
    ) as err:
        load_judge("reference", embeder="lexical")
    for key, text in judge_options("reference").items():
        assert f"  {key}: {text}" in str(err.value)


@pytest.mark.parametrize("name", list(JUDGES))
def test_declared_option_keys_are_exactly_the_constructor_keywords(name):
    entry = JUDGES[name]
    parameters = inspect.signature(
        getattr(importlib.import_module(entry.module), entry.class_name)
    ).parameters
    keywords = [n for n, p in parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert sorted([*entry.options, *entry.fixed]) == sorted(keywords)
    assert all(text and "\n" not in text for text in entry.options.values())


def test_options_are_checked_before_the_backend_is_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "genjudge.judges.api", raising=False)
    with pytest.raises(ValueError, match=r"judge 'api' does not take option\(s\) base_ulr.*\n  base_url: "):
        check_options("api", {"base_ulr": "http://localhost:8000/v1"})
    assert "genjudge.judges.api" not in sys.modules
    check_options("api", {"base_url": "http://localhost:8000/v1", "model": "m"})


def test_one_table_holds_both_kinds_and_each_loader_takes_only_its_own():
    assert judge_names("scoring") == ["lmm4lmm-perception", "lmm4lmm-correspondence", "lmm4lmm-qa"]
    assert set(judge_names()) | set(judge_names("scoring")) == set(JUDGES)
    with pytest.raises(ValueError, match=r"'lmm4lmm-qa' is a scoring judge; available judges: 'reference'"):
        load_judge("lmm4lmm-qa")
    assert "lmm4lmm-qa" not in [member.value for member in JudgeName]


def test_judge_names_are_a_choice_enum():
    assert [member.value for member in JudgeName] == judge_names()
    assert JudgeName("intjudge") == "intjudge"


def test_a_missing_optional_dependency_names_the_extra(tmp_path, monkeypatch):
    (tmp_path / "needs_missing_dep.py").write_text("import genjudge_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(JUDGES, "broken", JudgeEntry("needs_missing_dep", "Judge", "judge", "test entry", {}))
    with pytest.raises(ImportError, match=r"genjudge_no_such_dependency.*pip install 'genjudge\[judge\]'"):
        load_judge("broken")


def test_a_missing_backend_module_is_reported(monkeypatch):
    monkeypatch.setitem(JUDGES, "gone", JudgeEntry("genjudge.judges.gone", "Gone", "judge", "test entry", {}))
    with pytest.raises(ImportError, match=r"judge 'gone' needs genjudge\.judges\.gone"):
        load_judge("gone")
