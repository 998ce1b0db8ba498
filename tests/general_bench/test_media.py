"""Finding the files a record names, however the release spells the path."""

from __future__ import annotations

from pathlib import Path

from genjudge.benchmarks.general_level.bench.media import TaskMediaIndex, find_record_media, media_kind

RELEASE = Path(__file__).parent / "fixtures" / "General-Bench-Openset"


def test_bare_names_and_foreign_absolute_paths_find_the_task_file():
    index = TaskMediaIndex.build(RELEASE / "Video" / "Comprehension" / "Sports Video Question Answering")
    assert index.lookup("a.mp4") == ["video/a.mp4"]
    assert index.lookup("/mnt/authors/data/video/b.mp4") == ["video/b.mp4"]
    assert index.lookup("c.mp4") is None


def test_a_frames_folder_stands_for_its_frames():
    index = TaskMediaIndex.build(RELEASE / "Video" / "Comprehension" / "Ball Tracking")
    media = find_record_media(index, {"video_folder": "frames/clip1"}, "input")
    assert media.files == ["frames/clip1/00001.png", "frames/clip1/00002.png"]


def test_a_label_is_not_mistaken_for_a_folder(tmp_path):
    (tmp_path / "images" / "dog").mkdir(parents=True)
    (tmp_path / "images" / "dog" / "1.png").write_bytes(b"png")
    index = TaskMediaIndex.build(tmp_path)
    media = find_record_media(index, {"label": "dog", "image": "dog/1.png"}, "output")
    assert media.files == ["images/dog/1.png"]
    assert media.missing == []


def test_missing_media_is_reported_with_its_json_path():
    index = TaskMediaIndex.build(RELEASE / "audio" / "comprehension" / "AccentClassification")
    media = find_record_media(index, {"audio_file": "gone.wav", "prompt": "Which accent?"}, "input")
    assert media.missing == [("input.audio_file", "gone.wav")]


def test_kinds_come_from_the_extension():
    assert [media_kind(n) for n in ("a.PNG", "b.wav", "c.mp4", "d.ply", "e.npy")] == [
        "image",
        "audio",
        "video",
        "3d",
        "other",
    ]
