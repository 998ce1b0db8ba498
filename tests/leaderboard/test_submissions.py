"""Every kind of bad upload is refused with a message naming the file and field; good ones parse."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from leaderboard_helpers import UIDS, jpeg, make_zip, output_record, write_submission_folder, zip_folder
from PIL import Image

from genjudge.benchmarks.opening.submission import validate_submission
from genjudge.safe_io.media import MediaLimits
from genjudge.safe_io.uploads import IMAGE_FORMATS, SubmissionError, SubmissionLimits, submission_id_of


def good_members(model: str = "m") -> dict[str, bytes]:
    members = {}
    for uid in UIDS:
        members[f"{uid}.json"] = json.dumps(output_record(uid, ["hello"])).encode()
        members[f"{uid}-o-0.jpg"] = jpeg()
    return members


def write_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def refused(tmp_path: Path, instances, members: dict[str, bytes], **kwargs) -> SubmissionError:
    archive = write_zip(tmp_path / "sub.zip", members)
    with pytest.raises(SubmissionError) as info:
        validate_submission(archive, instances, kwargs.pop("model", "model-x"), **kwargs)
    return info.value


def test_a_good_zip_becomes_one_record_per_instance(tmp_path, instances):
    archive = make_zip(tmp_path, "Good-Model_1.0", quality=3)
    sub = validate_submission(archive, instances, "Good-Model_1.0", link="https://example.org/m")
    assert [o.total_uid for o in sub.outputs] == sorted(UIDS)
    assert all(o.model == "Good-Model_1.0" for o in sub.outputs)
    assert sub.outputs[0].steps[0].image is not None
    assert sub.outputs[0].steps[0].pil().size == (8, 8)
    assert sub.submission_id == submission_id_of(archive)


def test_a_folder_works_like_a_zip(tmp_path, instances):
    folder = write_submission_folder(tmp_path / "M_output", "M")
    sub = validate_submission(folder, instances, "M")
    assert len(sub.outputs) == len(UIDS)


def test_image_paths_seen_in_the_wild_are_accepted(tmp_path, instances):
    members = good_members()
    record = output_record(UIDS[0], ["x"])
    record["conversations"][1]["output"][0]["image"] = f"./M_output/{UIDS[0]}-o-0.jpg"
    members[f"{UIDS[0]}.jsonl"] = json.dumps(record, indent=4).encode()
    del members[f"{UIDS[0]}.json"]
    archive = write_zip(tmp_path / "s.zip", {f"M_output/{name}": data for name, data in members.items()})
    assert len(validate_submission(archive, instances, "M").outputs) == len(UIDS)


def test_macos_clutter_is_skipped(tmp_path, instances):
    members = good_members()
    members["__MACOSX/._0101001.json"] = b"\x00\x05junk"
    members[".DS_Store"] = b"junk"
    archive = write_zip(tmp_path / "s.zip", members)
    assert len(validate_submission(archive, instances, "M").outputs) == len(UIDS)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd.json", "absolute paths"),
        ("../../evil.json", "'..'"),
        ("a/../../evil.json", "'..'"),
        ("C:/evil.json", "drive letters"),
        ("sub\\evil.json", "backslashes"),
        ("bad|name.json", "may only use"),
    ],
)
def test_zip_slip_paths_are_refused(tmp_path, instances, name, message):
    members = good_members()
    members[name] = b"{}"
    error = refused(tmp_path, instances, members)
    assert message in str(error)
    assert error.file == name


def test_symlinks_are_refused(tmp_path, instances):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in good_members().items():
            zf.writestr(name, data)
        info = zipfile.ZipInfo("evil.json")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(SubmissionError, match="symbolic links") as info:
        validate_submission(archive, instances, "M")
    assert info.value.file == "evil.json"


def test_symlinks_in_a_folder_are_refused(tmp_path, instances):
    folder = write_submission_folder(tmp_path / "M_output", "M")
    os.symlink("/etc/passwd", folder / "evil.json")
    with pytest.raises(SubmissionError, match="symbolic links"):
        validate_submission(folder, instances, "M")


def test_other_file_types_are_refused(tmp_path, instances):
    members = good_members()
    members["run_me.py"] = b"import os"
    assert "only .json" in str(refused(tmp_path, instances, members))


def test_a_zip_bomb_is_refused_from_the_central_directory(tmp_path, instances):
    members = good_members()
    members["0101001-o-9.jpg"] = b"\x00" * (3 * 1024**2)
    error = refused(tmp_path, instances, members)
    assert "compresses more than 100:1" in str(error)
    assert error.file == "0101001-o-9.jpg"


def test_total_size_is_limited(tmp_path, instances):
    archive = write_zip(tmp_path / "s.zip", good_members())
    with pytest.raises(SubmissionError, match="expands to more than"):
        validate_submission(archive, instances, "M", limits=SubmissionLimits(max_total_bytes=2000))


def test_archive_size_and_file_count_are_limited(tmp_path, instances):
    archive = write_zip(tmp_path / "s.zip", good_members())
    with pytest.raises(SubmissionError, match="the archive is"):
        validate_submission(archive, instances, "M", limits=SubmissionLimits(max_archive_bytes=100))
    with pytest.raises(SubmissionError, match="entries"):
        validate_submission(archive, instances, "M", limits=SubmissionLimits(max_files=3))


def test_a_forged_size_header_is_caught_while_streaming(tmp_path, instances):
    """The central directory claims a tiny member: reading stops at the declared size and the
    member is refused (here by its checksum), instead of inflating past the limits."""
    archive = write_zip(tmp_path / "s.zip", {**good_members(), "pad.json": b" " * 200_000})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("pad.json")
    # Patch the uncompressed size in the central directory entry (offset 24 from its signature).
    cd_name = b"pad.json"
    pos = data.rfind(b"PK\x01\x02", 0, data.rfind(cd_name))
    data[pos + 24 : pos + 28] = (10).to_bytes(4, "little")
    assert info.file_size == 200_000
    archive.write_bytes(bytes(data))
    with pytest.raises(SubmissionError, match=r"cannot be read|beyond the size") as error:
        validate_submission(archive, instances, "M")
    assert error.value.file == "pad.json"


def test_a_non_image_named_jpg_is_refused(tmp_path, instances):
    members = good_members()
    members[f"{UIDS[1]}-o-0.jpg"] = b"<html>not an image</html>"
    error = refused(tmp_path, instances, members)
    assert "not a readable image" in str(error)
    assert error.file == f"{UIDS[1]}-o-0.jpg"


def test_an_image_decompression_bomb_is_refused(tmp_path, instances):
    buf = io.BytesIO()
    Image.new("1", (6000, 6000)).save(buf, "PNG")  # tiny file, 36 megapixels
    members = good_members()
    members[f"{UIDS[0]}-o-0.jpg"] = buf.getvalue()
    error = refused(tmp_path, instances, members)
    assert "6000x6000 pixels" in str(error)


def test_the_upload_pixel_limit_is_the_submission_limits_own(tmp_path, instances):
    tight = SubmissionLimits(media=MediaLimits(max_pixels=40, formats=IMAGE_FORMATS))  # 8x8 = 64 pixels
    error = refused(tmp_path, instances, good_members(), limits=tight)
    assert "8x8 pixels, above the limit of 40 pixels" in str(error)
    assert "decompression bomb" in str(error)


def test_a_gif_is_refused_by_format(tmp_path, instances):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "GIF")
    members = good_members()
    members[f"{UIDS[0]}-o-0.jpg"] = buf.getvalue()
    error = refused(tmp_path, instances, members)
    assert "is a GIF image; use JPEG, PNG or WebP" in str(error)


def test_non_utf8_json_is_refused(tmp_path, instances):
    members = good_members()
    members[f"{UIDS[2]}.json"] = '{"text": "caf\xe9"}'.encode("latin-1")
    error = refused(tmp_path, instances, members)
    assert "not UTF-8" in str(error)
    assert error.file == f"{UIDS[2]}.json"


def test_invalid_json_is_refused_with_its_position(tmp_path, instances):
    members = good_members()
    members[f"{UIDS[2]}.json"] = b'{"conversations": [\n  {"output": [}\n]}'
    error = refused(tmp_path, instances, members)
    assert "malformed JSON" in str(error) and "(line 2)" in str(error)


def broken(change) -> dict:
    record = output_record(UIDS[3], ["hello"])
    change(record)
    return record


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ([1, 2], None),
        (broken(lambda r: r.pop("conversations")), "conversations"),
        (broken(lambda r: r["conversations"].pop()), "conversations[1].output"),
        (broken(lambda r: r["conversations"][1].update(output="text")), "conversations[1].output"),
        (
            broken(lambda r: r["conversations"][1]["output"].__setitem__(0, "text")),
            "conversations[1].output[0]",
        ),
        (
            broken(lambda r: r["conversations"][1]["output"][0].update(text=5)),
            "conversations[1].output[0].text",
        ),
        (
            broken(lambda r: r["conversations"][1]["output"][0].update(image=3)),
            "conversations[1].output[0].image",
        ),
        (
            broken(lambda r: r["conversations"][1]["output"][0].update(image="nope.jpg")),
            "conversations[1].output[0].image",
        ),
    ],
)
def test_wrong_schema_names_the_field(tmp_path, instances, record, field):
    members = good_members()
    members[f"{UIDS[3]}.json"] = json.dumps(record).encode()
    error = refused(tmp_path, instances, members)
    assert error.file == f"{UIDS[3]}.json"
    assert error.field == field
    assert "/tmp" not in str(error)


def test_ids_not_in_the_benchmark_are_refused(tmp_path, instances):
    members = good_members()
    members["9999999.json"] = members[f"{UIDS[0]}.json"]
    error = refused(tmp_path, instances, members)
    assert "'9999999' is not one of the" in str(error) and "instances of the release and split" in str(error)


def test_missing_instances_are_listed(tmp_path, instances):
    members = good_members()
    del members[f"{UIDS[1]}.json"]
    assert (
        f"missing for 1 of the 4 instances of the release and split this board checks against: {UIDS[1]}"
        in str(refused(tmp_path, instances, members))
    )


def test_duplicate_instances_are_refused(tmp_path, instances):
    members = good_members()
    members[f"{UIDS[1]}.jsonl"] = members[f"{UIDS[1]}.json"]
    assert "duplicate output for instance" in str(refused(tmp_path, instances, members))
    members = good_members()
    members[f"sub/{UIDS[1]}.json"] = members[f"{UIDS[1]}.json"]
    assert "must sit in one folder" in str(refused(tmp_path, instances, members))


def test_over_long_text_is_refused(tmp_path, instances):
    members = good_members()
    members[f"{UIDS[0]}.json"] = json.dumps(output_record(UIDS[0], ["x" * 30_000])).encode()
    error = refused(tmp_path, instances, members)
    assert error.field == "conversations[1].output[0].text"
    assert "30,000 characters" in str(error)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a/b", "may only use"),
        ("-x", "may only use"),
        ("x" * 65, "at most 64"),
    ],
)
def test_bad_model_names_are_refused(tmp_path, instances, name, message):
    error = refused(tmp_path, instances, good_members(), model=name)
    assert error.field == "model_name"
    assert message in str(error)


def test_a_taken_model_name_is_refused_whatever_its_case(tmp_path, instances):
    error = refused(tmp_path, instances, good_members(), model="GPT-X", taken_names=["gpt-x"])
    assert "already on the board" in str(error)


def test_links_must_be_http(tmp_path, instances):
    error = refused(tmp_path, instances, good_members(), link="javascript:alert(1)")
    assert error.field == "model_link"


def test_not_a_zip(tmp_path, instances):
    path = tmp_path / "x.zip"
    path.write_text("hello")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        validate_submission(path, instances, "M")


def test_nothing_is_left_behind_after_a_refusal(tmp_path, instances, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "t"))
    (tmp_path / "t").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    members = good_members()
    members[f"{UIDS[1]}-o-0.jpg"] = b"not an image"
    refused(tmp_path, instances, members)
    assert list((tmp_path / "t").iterdir()) == []


def test_zip_helper_round_trip(tmp_path, instances):
    folder = write_submission_folder(tmp_path / "A_output", "A")
    archive = zip_folder(folder, tmp_path / "a.zip")
    assert len(validate_submission(archive, instances, "A").outputs) == len(UIDS)
