"""Reading the official release layout into shared records, and the task taxonomy behind the ids."""

from __future__ import annotations

import re

from genjudge.benchmarks.opening import meta_topics, read_benchmark, read_model_outputs, sample_dir, subtasks
from genjudge.core.records import Instance


def test_source_may_be_the_release_folder_or_its_parent() -> None:
    assert read_benchmark(sample_dir(), "test") == read_benchmark(sample_dir() / "OpenING-benchmark", "test")


def test_instances_carry_ids_split_and_ordered_steps() -> None:
    dev = read_benchmark(sample_dir(), "dev")
    assert [inst.split for inst in dev] == ["dev"] * 4
    inst = next(i for i in read_benchmark(sample_dir(), "test") if i.total_uid == "0301004")
    assert isinstance(inst, Instance)
    assert (inst.meta_task_id, inst.subtask_id, inst.data_id) == ("3", "1", "4")
    assert inst.subtask_name == "Storybook Completion"
    texts = [step.text for step in inst.input_steps]
    assert "Tom built a small wooden house" in texts[0]
    assert "no bird came" in texts[1]
    assert "painted the roof bright red" in texts[2]
    assert all(step.pil().size == (96, 96) for step in inst.input_steps)


def test_sample_covers_six_subtasks_from_different_meta_topics() -> None:
    instances = read_benchmark(sample_dir(), "test") + read_benchmark(sample_dir(), "dev")
    assert len({i.meta_task_id for i in instances}) == 6
    assert any(sum(s.image is not None for s in i.input_steps) > 1 for i in instances)
    assert any(s.image is None for i in instances for s in i.input_steps + i.output_steps)
    assert all(re.search(r"<BEGIN>", i.input_steps[0].text) for i in instances)


def test_taxonomy_has_23_meta_topics_and_56_subtasks() -> None:
    assert len(meta_topics()) == 23
    assert len(subtasks()) == 56
    assert sum(s.test_instances for s in subtasks()) == 2160
    assert meta_topics()["20"] == "Cooking Tasks"


def words(steps) -> set[str]:
    return {w.strip(".,").lower() for s in steps for w in s.text.split() if w != "<image>"}


def test_sample_models_differ_in_quality_against_the_gold_answer() -> None:
    """The four sample models are built so that a reference-based judge can rank them."""
    gold = {i.total_uid: i.output_steps for i in read_benchmark(sample_dir(), "test")}
    gen = sample_dir() / "gen_outputs"

    def overlap(model: str) -> float:
        scores = []
        for output in read_model_outputs(gen / f"{model}_output"):
            reference = words(gold[output.total_uid])
            scores.append(len(words(output.steps) & reference) / len(reference))
        return sum(scores) / len(scores)

    def image_share(model: str) -> float:
        steps = [s for o in read_model_outputs(gen / f"{model}_output") for s in o.steps]
        return sum(s.image is not None for s in steps) / len(steps)

    assert overlap("Aurora-Interleave") > overlap("Mosaic-Base") > overlap("Drift-Gen")
    assert overlap("Aurora-Interleave") > overlap("Quill-TextOnly") > overlap("Drift-Gen")
    assert image_share("Quill-TextOnly") == 0
    assert image_share("Aurora-Interleave") > 0.9  # like the gold answers, which skip one image
