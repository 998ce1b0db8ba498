"""Building a judge-training set: joining verdicts, RAG pairs, the hold-out, the dataset folder, bad input."""

from __future__ import annotations

import json

import PIL.Image
import pytest
from datasets import load_dataset
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.safe_io.located_error import FormatError
from genjudge.training import (
    build_training_set,
    load_split,
    read_holdout,
    write_training_repo,
)
from genjudge.training.rag import GOLD_MODEL, RAG_SUFFIX


def test_a_built_set_loads_with_load_dataset_and_keeps_the_hold_out(
    tmp_path, sample_release, sample_verdicts
):
    _, instances, outputs = sample_release
    training_set = build_training_set(instances, outputs, [sample_verdicts], seed=1)
    write_training_repo(training_set, tmp_path / "pairs", progress=False)

    judge = load_dataset(str(tmp_path / "pairs"))
    dpo = load_dataset(str(tmp_path / "pairs"), "dpo")
    holdout = read_holdout(tmp_path / "pairs")

    assert set(judge) == {"train", "test"}
    assert set(judge["train"]["uid"]).isdisjoint(holdout.test_instances)
    assert set(judge["test"]["uid"]) <= set(holdout.test_instances)
    (unseen,) = holdout.unseen_models
    trained_models = set(judge["train"]["model_a"]) | set(judge["train"]["model_b"])
    assert unseen not in trained_models
    assert judge["test"]["unseen"] == [
        unseen in (a, b) for a, b in zip(judge["test"]["model_a"], judge["test"]["model_b"], strict=True)
    ]
    assert set(judge["test"]["source"]) == {"human"}
    assert {"human", "rag-gold"} == set(judge["train"]["source"])
    images = [
        step["image"] for row in judge["train"] for step in row["output_a"] if step["image"] is not None
    ]
    assert images and all(isinstance(image, PIL.Image.Image) for image in images)
    assert set(dpo["train"].column_names) >= {"prompt", "chosen", "rejected"}


def test_rag_gold_pairs_prefer_the_gold_answer_on_training_instances_only(
    tmp_path, sample_release, sample_verdicts
):
    _, instances, outputs = sample_release
    training_set = build_training_set(instances, outputs, [sample_verdicts], seed=0)
    gold = {i.total_uid: i.output_steps for i in instances}
    rag = [c for c in training_set.train if c.source == "rag-gold"]

    assert rag and {c.winner for c in rag} == {"A", "B"}  # the preferred side is drawn, not fixed
    for pair in rag:
        winner_steps = pair.steps_a if pair.winner == "A" else pair.steps_b
        winner_model = pair.model_a if pair.winner == "A" else pair.model_b
        assert winner_model == GOLD_MODEL and winner_steps == gold[pair.uid]
        assert pair.uid not in training_set.holdout.test_instances
        assert not pair.involves(frozenset(training_set.holdout.unseen_models))


def test_gold_conditioned_outputs_beat_the_same_models_plain_outputs(sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    seen = "Drift-Gen"
    conditioned = {seen: outputs["Mosaic-Base"]}  # any output-shaped answers stand in for a RAG run
    training_set = build_training_set(
        instances,
        outputs,
        [sample_verdicts],
        rag_outputs=conditioned,
        gold_rag=False,
        unseen_models=["Quill-TextOnly"],
    )
    rag = [c for c in training_set.train if c.source == "rag-output"]

    assert len(rag) == len(instances) - len(training_set.holdout.test_instances)
    for pair in rag:
        assert {pair.model_a, pair.model_b} == {seen, seen + RAG_SUFFIX}
        assert (pair.model_a if pair.winner == "A" else pair.model_b) == seen + RAG_SUFFIX


def test_dpo_pairs_put_the_winner_as_chosen_and_leave_ties_out(tmp_path, sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    training_set = build_training_set(instances, outputs, [sample_verdicts], gold_rag=False)
    report = write_training_repo(training_set, tmp_path / "pairs", progress=False)
    dpo = load_dataset(str(tmp_path / "pairs"), "dpo", split="train")
    decisive = [c for c in training_set.train + training_set.test if c.winner in ("A", "B")]

    assert report.dpo_size == len(dpo) == len(decisive)
    assert report.dpo_ties == len(training_set.train) + len(training_set.test) - len(decisive)
    first, row = decisive[0], dpo[0]
    assert row["chosen_model"] == (first.model_a if first.winner == "A" else first.model_b)
    assert [step["text"] for step in row["chosen"]] == [
        s.text for s in (first.steps_a if first.winner == "A" else first.steps_b)
    ]


def _records(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _rewrite(path, records):
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("record", "field", "value", "message"),
    [
        (7, "winner", "A is much better", r"judge_modelAB_results\.json: record 7 .*'winner'"),
        (0, "data_id", "9999999", r"record 0, data_id 9999999, field 'data_id': no such instance"),
    ],
    ids=["unknown label", "unknown instance"],
)
def test_a_bad_verdict_is_refused_naming_the_file_and_record(
    sample_release, sample_verdicts, record, field, value, message
):
    _, instances, outputs = sample_release
    records = _records(sample_verdicts)
    records[record][field] = value
    with pytest.raises(FormatError, match=message):
        build_training_set(instances, outputs, [_rewrite(sample_verdicts, records)])


def test_a_verdict_on_a_model_without_outputs_names_the_record_and_field(sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    records = _records(sample_verdicts)
    records[3]["model_B"]["name"] = "Ghost-Model"
    with pytest.raises(FormatError) as caught:
        build_training_set(instances, outputs, [_rewrite(sample_verdicts, records)])
    message = str(caught.value)
    assert "record 3" in message and "'model_B.name'" in message and "Ghost-Model" in message


def test_verdicts_on_a_single_instance_cannot_be_held_out(sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    records = [r for r in _records(sample_verdicts) if r["data_id"] == instances[0].total_uid]
    with pytest.raises(FormatError, match="at least 2 are needed"):
        build_training_set(instances, outputs, [_rewrite(sample_verdicts, records)])


def test_an_unseen_model_no_verdict_names_is_refused(sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    with pytest.raises(FormatError, match="'Drift-gen' appear in no human verdict"):
        build_training_set(instances, outputs, [sample_verdicts], unseen_models=["Drift-gen"])


def test_an_empty_training_split_is_refused(sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    with pytest.raises(FormatError, match="the training split is empty"):
        build_training_set(instances, outputs, [sample_verdicts], gold_rag=False, n_unseen_models=3)


def test_load_split_refuses_a_folder_that_is_not_a_training_set(tmp_path):
    with pytest.raises(FormatError, match=r"holdout\.json"):
        load_split(tmp_path, "train")


def _cli(*args):
    return CliRunner().invoke(app, ["judge", "train-data", *map(str, args)])


def test_the_cli_builds_the_folder(tmp_path, sample_release, sample_verdicts):
    root, _, _ = sample_release
    outputs = [f"--outputs={folder}" for folder in sorted((root / "gen_outputs").iterdir())]
    result = _cli("--benchmark", root, *outputs, "--verdicts", sample_verdicts, "--out", tmp_path / "pairs")

    assert result.exit_code == 0, result.output
    assert "rag-gold" in result.output and "Held out 3 instances" in result.output
    assert (tmp_path / "pairs" / "README.md").is_file()


def test_the_cli_refuses_missing_images_and_writes_nothing(tmp_path, sample_release, sample_verdicts):
    root, _, _ = sample_release
    broken = tmp_path / "Broken_output"
    broken.mkdir()
    uid = sample_release[1][0].total_uid
    record = {"conversations": [{"input": []}, {"output": [{"text": "x", "image": f"{uid}-o-0.jpg"}]}]}
    (broken / f"{uid}.json").write_text(json.dumps(record), encoding="utf-8")
    result = _cli(
        "--benchmark", root, "--outputs", broken, "--verdicts", sample_verdicts, "--out", tmp_path / "pairs"
    )

    assert result.exit_code == 2
    assert "missing" in result.output and f"{uid}-o-0.jpg" in result.output
    assert not (tmp_path / "pairs").exists()


def test_the_official_human_baseline_is_joined_with_the_gold_answer(sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    records = _records(sample_verdicts)
    for record in records:
        for side in ("model_A", "model_B"):
            if record[side]["name"] == "Mosaic-Base":
                record[side]["name"] = "Human"
    without_mosaic = {model: answers for model, answers in outputs.items() if model != "Mosaic-Base"}
    training_set = build_training_set(
        instances, without_mosaic, [_rewrite(sample_verdicts, records)], gold_rag=False, unseen_models=[]
    )
    gold = {i.total_uid: i.output_steps for i in instances}
    with_human = [c for c in training_set.train + training_set.test if c.involves(frozenset({"Human"}))]

    assert with_human
    for pair in with_human:
        assert (pair.steps_a if pair.model_a == "Human" else pair.steps_b) == gold[pair.uid]


def test_collected_votes_join_the_official_verdicts(tmp_path, sample_release, sample_verdicts):
    _, instances, outputs = sample_release
    votes = _rewrite(tmp_path / "votes_modelAB_results.json", _records(sample_verdicts)[:5])
    training_set = build_training_set(instances, outputs, [sample_verdicts, votes], gold_rag=False)
    origins = {c.origin.split("#")[0] for c in training_set.train + training_set.test}

    assert origins == {"judge_modelAB_results.json", "votes_modelAB_results.json"}


def test_an_empty_verdict_file_is_refused_and_nothing_is_written(tmp_path, sample_release):
    root, _, _ = sample_release
    empty = _rewrite(tmp_path / "judge_modelAB_results.json", [])
    outputs = [f"--outputs={folder}" for folder in sorted((root / "gen_outputs").iterdir())]
    result = _cli("--benchmark", root, *outputs, "--verdicts", empty, "--out", tmp_path / "pairs")

    assert result.exit_code == 2
    assert "judge_modelAB_results.json: the file holds no records" in result.output
    assert not (tmp_path / "pairs").exists()
