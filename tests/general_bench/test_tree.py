"""Reading the released tree: every modality, any folder casing, clear errors for broken tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genjudge.benchmarks.general_level.bench import find_tasks, read_annotation
from genjudge.safe_io.located_error import FormatError

RELEASE = Path(__file__).parent / "fixtures" / "General-Bench-Openset"


def test_every_modality_and_casing_is_found():
    tasks = {task.relative.as_posix(): task for task in find_tasks(RELEASE)}
    assert {task.sheet for task in tasks.values()} == {
        "NLP",
        "Image-Comprehension",
        "Image-Generation",
        "Video-Comprehension",
        "Audio-Comprehension",
        "Audio-Generation",
        "3D-Comprehension",
        "3D-Generation",
    }
    assert tasks["image/Generation/Image Deraining"].config == "image_generation"
    assert tasks["3d/Generation/Text to 3D Living and Arts Mesh Generation"].sheet == "3D-Generation"
    assert tasks["nlp/Time Series"].paradigm is None


def test_annotation_keeps_records_and_task_fields():
    task = next(t for t in find_tasks(RELEASE) if t.name == "Commonsense Reasoning")
    annotation = read_annotation(task)
    assert (annotation.task, annotation.type) == ("Commonsense Reasoning", "MultipleChoiceQA")
    assert [r["id"] for r in annotation.records] == [1, 2]


def test_task_folder_without_annotation_is_named(release_copy):
    (release_copy / "nlp" / "Empty Task").mkdir()
    with pytest.raises(FormatError, match=r"nlp/Empty Task: task folder has no annotation.json"):
        find_tasks(release_copy)


def test_malformed_json_names_file_and_line(release_copy):
    file = release_copy / "nlp" / "Time Series" / "annotation.json"
    file.write_text('{"task": "Time Series",\n "data": [,]}', encoding="utf-8")
    task = next(t for t in find_tasks(release_copy) if t.name == "Time Series")
    with pytest.raises(FormatError, match=r"Time Series/annotation.json: malformed JSON at line 2"):
        read_annotation(task)
    file.write_text('{"task": "Time Series", "data": [{"id": 1, "id": 2}]}', encoding="utf-8")
    with pytest.raises(
        FormatError,
        match=r"annotation.json: malformed JSON at line 1, column 44: the key 'id' is repeated .* "
        r"in field 'data\[0\]\.id'",
    ):
        read_annotation(task)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            [{"id": "a", "input": {}}, {"id": "a", "input": {}}],
            r"record #1 \(id a\), field 'id': duplicate id",
        ),
        ([{"input": {}}], r"record #0, field 'id': missing"),
        ([{"id": 3}], r"record #0 \(id 3\), field 'input': missing"),
        ("nope", r"field 'data': missing or not a list"),
    ],
)
def test_bad_records_are_named(release_copy, data, message):
    file = release_copy / "nlp" / "Time Series" / "annotation.json"
    file.write_text(json.dumps({"task": "Time Series", "data": data}), encoding="utf-8")
    task = next(t for t in find_tasks(release_copy) if t.name == "Time Series")
    with pytest.raises(FormatError, match=message):
        read_annotation(task)


def test_a_folder_without_modalities_is_refused(tmp_path):
    (tmp_path / "misc").mkdir()
    with pytest.raises(FormatError, match="no task folders found"):
        find_tasks(tmp_path)
