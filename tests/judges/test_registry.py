"""Choosing a judge by name."""

from __future__ import annotations

import pytest

from genjudge.judges import load_judge
from genjudge.judges.reference import ReferenceSimilarityJudge
from genjudge.judges.registry import JUDGES, judge_names


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


def test_a_misspelt_option_lists_the_accepted_ones():
    with pytest.raises(
        ValueError, match=r"does not take option\(s\) embeder; it accepts: embedder, model_dir"
    ):
        load_judge("reference", embeder="lexical")


def test_a_missing_optional_dependency_names_the_extra(tmp_path, monkeypatch):
    (tmp_path / "needs_missing_dep.py").write_text("import genjudge_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(JUDGES, "broken", ("needs_missing_dep", "Judge", "judge", "test entry"))
    with pytest.raises(ImportError, match=r"genjudge_no_such_dependency.*pip install 'genjudge\[judge\]'"):
        load_judge("broken")


def test_a_missing_backend_module_is_reported(monkeypatch):
    monkeypatch.setitem(JUDGES, "gone", ("genjudge.judges.gone", "Gone", "judge", "test entry"))
    with pytest.raises(ImportError, match=r"judge 'gone' needs genjudge\.judges\.gone"):
        load_judge("gone")
