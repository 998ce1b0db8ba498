"""Every kind of broken release stops the build with an FormatError that says where
(file, line, total_uid, field), and never leaves a half-written output folder behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from genjudge.benchmarks.opening import read_benchmark
from genjudge.benchmarks.opening.release import MissingImagesError
from genjudge.benchmarks.opening.repo import build_repo
from genjudge.safe_io import media
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.media import MediaLimits


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_lines(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def jsonl_of(release: Path) -> Path:
    return release / "OpenING-benchmark" / "test_data.jsonl"


def edit_rows(release: Path, edit: Callable[[list[dict]], None]) -> None:
    rows = read_lines(jsonl_of(release))
    edit(rows)
    write_lines(jsonl_of(release), rows)


def first_image(release: Path, line: int = 1) -> Path:
    row = read_lines(jsonl_of(release))[line - 1]
    return release / "OpenING-benchmark" / row["conversations"][1]["output"][0]["image"]


def remove_image(release: Path) -> None:
    first_image(release).unlink()


def corrupt_image(release: Path) -> None:
    first_image(release).write_bytes(b"this is not a JPEG at all")


def truncate_image(release: Path) -> None:
    path = first_image(release)
    path.write_bytes(path.read_bytes()[:400])


def break_json(release: Path) -> None:
    lines = jsonl_of(release).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][:50] + "\n"
    jsonl_of(release).write_text("".join(lines), encoding="utf-8")


def drop(key: str, line: int = 2) -> Callable[[Path], None]:
    def edit(rows: list[dict]) -> None:
        del rows[line - 1][key]

    return lambda release: edit_rows(release, edit)


def drop_step_text(release: Path) -> None:
    edit_rows(release, lambda rows: rows[1]["conversations"][1]["output"][1].pop("text"))


def duplicate_uid(release: Path) -> None:
    edit_rows(release, lambda rows: rows.append(rows[0]))


def set_image(path: str, line: int = 1) -> Callable[[Path], None]:
    def edit(rows: list[dict]) -> None:
        rows[line - 1]["conversations"][1]["output"][0]["image"] = path

    return lambda release: edit_rows(release, edit)


def symlink_outside(release: Path) -> None:
    outside = release.parent / "secret.jpg"
    outside.write_bytes(first_image(release).read_bytes())
    link = release / "OpenING-benchmark" / "images" / "link.jpg"
    link.symlink_to(outside)
    set_image("./images/link.jpg")(release)


def unknown_subtask(release: Path) -> None:
    def edit(rows: list[dict]) -> None:
        rows[0]["subtask_id"] = "9"

    edit_rows(release, edit)


# (break the release, expected line, uid, field, words in the message)
CASES = {
    "missing image file": (remove_image, 1, "0101001", "conversations[1].output[0].image", "missing"),
    "corrupt image": (
        corrupt_image,
        1,
        "0101001",
        "conversations[1].output[0].image",
        "not a readable image",
    ),
    "truncated image": (
        truncate_image,
        1,
        "0101001",
        "conversations[1].output[0].image",
        "damaged or truncated",
    ),
    "malformed JSON line": (break_json, 3, None, None, "malformed JSON"),
    "missing total_uid": (drop("total_uid"), 2, None, "total_uid", "missing"),
    "missing conversations": (drop("conversations"), 2, "0101002", "conversations", "missing"),
    "missing step text": (drop_step_text, 2, "0101002", "conversations[1].output[1].text", "missing"),
    "duplicate total_uid": (duplicate_uid, 17, "0101001", "total_uid", "duplicate"),
    "path with ..": (set_image("../../outside.jpg"), 1, "0101001", "conversations[1].output[0].image", ".."),
    "absolute path": (set_image("/etc/passwd"), 1, "0101001", "conversations[1].output[0].image", "absolute"),
    "symlink leaving the release": (
        symlink_outside,
        1,
        "0101001",
        "conversations[1].output[0].image",
        "outside",
    ),
    "unknown subtask": (unknown_subtask, 1, "0101001", "subtask_id", "56 OpenING subtasks"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_release_names_file_line_uid_and_field(release: Path, case: str) -> None:
    breaker, line, uid, field, words = CASES[case]
    breaker(release)
    with pytest.raises(FormatError) as caught:
        read_benchmark(release, "test")
    error = caught.value
    assert error.file == str(jsonl_of(release))
    assert error.line == line
    assert error.total_uid == uid
    assert error.field == field
    message = str(error)
    assert f"test_data.jsonl:{line}" in message
    assert words in message


@pytest.mark.parametrize(
    "case", ["missing image file", "corrupt image", "duplicate total_uid", "path with .."]
)
def test_failed_build_leaves_no_output_folder(release: Path, tmp_path: Path, case: str) -> None:
    CASES[case][0](release)
    out = tmp_path / "out" / "opening-dataset"
    with pytest.raises(FormatError):
        build_repo(release, out, progress=False)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temporary folder left either


def test_failed_rebuild_keeps_the_previous_output(release: Path, tmp_path: Path) -> None:
    out = tmp_path / "opening-dataset"
    build_repo(release, out, progress=False)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    corrupt_image(release)
    with pytest.raises(FormatError):
        build_repo(release, out, overwrite=True, progress=False)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["opening-dataset", "release"]


def test_existing_output_needs_overwrite(release: Path, tmp_path: Path) -> None:
    out = tmp_path / "opening-dataset"
    build_repo(release, out, progress=False)
    with pytest.raises(FileExistsError, match="overwrite"):
        build_repo(release, out, progress=False)
    build_repo(release, out, overwrite=True, progress=False)


def test_decompression_bomb_limit(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "DEFAULT_LIMITS", MediaLimits(max_pixels=90 * 90))
    with pytest.raises(FormatError, match="decompression bomb") as caught:
        read_benchmark(release, "test")
    assert caught.value.total_uid == "0101001"


def test_many_missing_images_are_reported_together(release: Path) -> None:
    for path in (release / "OpenING-benchmark" / "images" / "Storybook Completion").glob("*-o-*.jpg"):
        path.unlink()
    with pytest.raises(MissingImagesError) as caught:
        read_benchmark(release, "test")
    assert len(caught.value.missing) == 6
    assert "6 image file(s)" in str(caught.value)
    assert "--allow-missing-images" in str(caught.value)


def test_allow_missing_images_stores_null_and_counts_them(release: Path, tmp_path: Path) -> None:
    remove_image(release)
    report = build_repo(release, tmp_path / "out", allow_missing_images=True, progress=False)
    assert len(report.missing_images) == 1
    assert report.missing_images.items[0].uid == "0101001"
    instances = read_benchmark(release, "test", allow_missing_images=True)
    assert instances[0].output_steps[0].image is None


def test_missing_split_file_says_what_to_provide(release: Path) -> None:
    (release / "OpenING-benchmark" / "dev_data.jsonl").unlink()
    with pytest.raises(FormatError, match="dev split is missing"):
        read_benchmark(release, "dev")


def test_wrong_type_is_named(release: Path) -> None:
    edit_rows(release, lambda rows: rows[0]["conversations"][0]["input"][0].update(image=7))
    with pytest.raises(FormatError, match="expected str or null, got int") as caught:
        read_benchmark(release, "test")
    assert caught.value.field == "conversations[0].input[0].image"


def test_line_that_is_not_an_object(release: Path) -> None:
    with jsonl_of(release).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(["not", "an", "object"]) + "\n")
    with pytest.raises(FormatError, match="one JSON object") as caught:
        read_benchmark(release, "test")
    assert caught.value.line == 17
