"""The offline reference-similarity judge: closer to the gold answer wins."""

from __future__ import annotations

import shutil

import pytest

from genjudge.core.records import Step
from genjudge.judges.embedder import MINILM_SHA256, EmbedderUnavailable, packaged_minilm_dir
from genjudge.judges.protocol import VERDICT_LABELS, PairwiseItem
from genjudge.judges.reference import ReferenceSimilarityJudge

GOLD = "Preheat the oven, mix flour, sugar and eggs, then bake the cake for thirty minutes."
CLOSE = "Mix the flour with sugar and eggs, heat the oven and bake the cake for about half an hour."
FAR = "The football match ended in a draw after extra time in the rain."


@pytest.fixture(scope="module")
def minilm_judge():
    return ReferenceSimilarityJudge(embedder="minilm")


@pytest.fixture(params=["minilm", "lexical"])
def judge(request, minilm_judge):
    return minilm_judge if request.param == "minilm" else ReferenceSimilarityJudge(embedder="lexical")


def _text_item(a: str, b: str, gold: str = GOLD) -> PairwiseItem:
    return PairwiseItem((Step("How do I bake a cake?"),), (Step(a),), (Step(b),), (Step(gold),))


def test_prefers_the_text_closer_to_the_reference_in_either_position(judge):
    forward, backward = judge.judge_batch([_text_item(CLOSE, FAR), _text_item(FAR, CLOSE)])
    assert forward.winner == "A" and backward.winner == "B"
    for verdict in (forward, backward):
        assert set(verdict.probabilities) == set(VERDICT_LABELS)
        assert sum(verdict.probabilities.values()) == pytest.approx(1.0)
        assert max(verdict.probabilities, key=verdict.probabilities.get) == verdict.winner
        assert "score_A=" in verdict.raw


def test_prefers_the_image_closer_to_the_reference(minilm_judge, make_png):
    gold_image = make_png((200, 30, 30), stripes=True)
    similar = make_png((190, 40, 35), stripes=True)
    different = make_png((20, 40, 220))
    item = PairwiseItem(
        question=(Step("Draw a red striped flag."),),
        output_a=(Step("Here is the flag.", different),),
        output_b=(Step("Here is the flag.", similar),),
        reference=(Step("Here is the flag.", gold_image),),
    )
    verdict = minilm_judge.judge_batch([item])[0]
    assert verdict.winner == "B"
    score_a, score_b = minilm_judge.scores(item)
    assert score_b > score_a


def test_an_output_missing_the_image_or_text_the_reference_has_loses(judge, make_png):
    gold = (Step(GOLD, make_png((200, 30, 30))),)
    with_image = (Step(FAR, make_png((0, 0, 255))),)  # far text, wrong picture, but complete
    no_image = (Step(GOLD),)  # the gold text itself, but no image
    empty_text = (Step("   ", make_png((200, 30, 30))),)
    question = (Step("Bake a cake and show it."),)
    verdicts = judge.judge_batch(
        [
            PairwiseItem(question, no_image, with_image, gold),
            PairwiseItem(question, with_image, empty_text, gold),
        ]
    )
    assert [v.winner for v in verdicts] == ["B", "A"]
    assert verdicts[0].probabilities["B"] == 1.0
    assert "lacks" in verdicts[0].raw


def test_small_margins_become_leaning_ties(judge):
    same = judge.judge_batch([_text_item(CLOSE, CLOSE)])[0]
    assert same.winner in ("Tie(A)", "Tie(B)")
    loose = ReferenceSimilarityJudge(embedder="lexical", tie_margin=0.99)
    lean = loose.judge_batch([_text_item(CLOSE, FAR), _text_item(FAR, CLOSE)])
    assert [v.winner for v in lean] == ["Tie(A)", "Tie(B)"]
    assert lean[0].probabilities["Tie(A)"] > lean[0].probabilities["Tie(B)"]


def test_probabilities_sharpen_with_the_margin():
    judge = ReferenceSimilarityJudge(embedder="lexical")
    small, large = judge._probabilities(0.03), judge._probabilities(0.3)
    assert small["A"] < large["A"] and large["A"] > 0.95
    assert judge._probabilities(0.01)["Tie(A)"] == max(judge._probabilities(0.01).values())


def test_without_a_reference_it_refuses_with_a_reason():
    judge = ReferenceSimilarityJudge(embedder="lexical")
    item = PairwiseItem((Step("q"),), (Step("a"),), (Step("b"),), None)
    with pytest.raises(ValueError, match="item 0 of the batch has no reference"):
        judge.judge_batch([item])


def test_judge_id_says_which_embedder_was_used(minilm_judge):
    lexical = ReferenceSimilarityJudge(embedder="lexical")
    assert minilm_judge.judge_id == "reference-similarity/minilm-l6-v2"
    assert MINILM_SHA256[:12] in minilm_judge.revision
    assert lexical.judge_id == "reference-similarity/lexical-tfidf"
    assert minilm_judge.revision != lexical.revision


def _tampered_copy(tmp_path):
    copy = tmp_path / "minilm"
    shutil.copytree(packaged_minilm_dir(), copy, ignore=shutil.ignore_patterns("model.safetensors"))
    (copy / "model.safetensors").write_bytes(b"not the weights genjudge pinned")
    return copy


def test_weights_with_the_wrong_sha256_are_refused_and_auto_falls_back(tmp_path):
    copy = _tampered_copy(tmp_path)
    with pytest.raises(EmbedderUnavailable, match="sha256"):
        ReferenceSimilarityJudge(embedder="minilm", model_dir=copy)
    with pytest.warns(RuntimeWarning, match="lexical TF-IDF fallback"):
        judge = ReferenceSimilarityJudge(embedder="auto", model_dir=copy)
    assert judge.judge_id == "reference-similarity/lexical-tfidf"
    assert judge.judge_batch([_text_item(CLOSE, FAR)])[0].winner == "A"


def test_a_different_package_version_is_not_trusted(monkeypatch):
    monkeypatch.setattr("genjudge.judges.embedder.importlib.metadata.version", lambda name: "9.9.9")
    with pytest.raises(EmbedderUnavailable, match=r"pins 0\.1\.0"):
        ReferenceSimilarityJudge(embedder="minilm")
    with pytest.warns(RuntimeWarning):
        assert ReferenceSimilarityJudge().judge_id.endswith("lexical-tfidf")


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="embedder must be"):
        ReferenceSimilarityJudge(embedder="bert")
    with pytest.raises(ValueError, match="text_weight"):
        ReferenceSimilarityJudge(embedder="lexical", text_weight=2)
