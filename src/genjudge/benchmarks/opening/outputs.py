"""Reading one model's generated outputs in the official ``gen_outputs`` layout.

::

    gen_outputs/<Model>_output/<total_uid>.json     one JSON object (also seen as .jsonl, pretty-printed)
    gen_outputs/<Model>_output/<total_uid>-o-<k>.jpg

The object repeats the instance fields and carries the model's steps under
``conversations[1].output``. Image paths appear in the wild as the bare file name, as
``./<Model>_output/<file>`` or as another path relative to the model folder; all resolve inside
that folder and nowhere else. ``null`` or an empty string means the model produced no image for
that step, which judges must see (the maintainers count it against the model), so it is kept as a
step without image rather than dropped.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from genjudge.benchmarks.opening.images import FolderResolver, relative_image_path
from genjudge.benchmarks.opening.release import (
    MissingImages,
    MissingImagesError,
    conversation_sides,
    parse_steps,
)
from genjudge.benchmarks.opening.taxonomy import expected_total_uid
from genjudge.core.records import ModelOutput
from genjudge.safe_io.bounded_json import JSONInputError, loads
from genjudge.safe_io.located_error import FormatError

OUTPUT_SUFFIX = "_output"
OUTPUT_EXTENSIONS = (".json", ".jsonl")
MAX_OUTPUT_FILE_BYTES = 16 * 1024 * 1024
"""An answer file is a few KB of text; anything far larger is refused before it is parsed, since
model outputs come from submitters we do not control."""


def model_name_from_dir(model_dir: Path) -> str:
    """``GPT-4o+DALL-E3_output`` -> ``GPT-4o+DALL-E3``."""
    name = model_dir.name
    return (
        name[: -len(OUTPUT_SUFFIX)]
        if name.endswith(OUTPUT_SUFFIX) and len(name) > len(OUTPUT_SUFFIX)
        else name
    )


def read_model_outputs(
    model_dir: str | Path, model_name: str | None = None, *, allow_missing_images: bool = False
) -> list[ModelOutput]:
    """Read every ``<total_uid>.json[l]`` of one model folder into :class:`ModelOutput` records.

    The model name defaults to the folder name without ``_output``. Records are sorted by
    ``total_uid``. Missing image files stop the read with one error listing them all, unless
    ``allow_missing_images`` turns them into steps without image.
    """
    folder = Path(model_dir)
    if not folder.is_dir():
        raise FormatError(
            "model output folder not found; expected gen_outputs/<Model>_output/ with one "
            "<total_uid>.json per instance",
            file=folder,
        )
    model = model_name or model_name_from_dir(folder)
    missing = MissingImages()
    by_uid: dict[str, Path] = {}
    outputs: list[ModelOutput] = []
    files = sorted(p for p in folder.iterdir() if p.suffix in OUTPUT_EXTENSIONS and p.is_file())
    if not files:
        raise FormatError("no <total_uid>.json or .jsonl files in the model output folder", file=folder)
    for path in files:
        uid = path.stem
        if uid in by_uid:
            raise FormatError(
                f"duplicate total_uid: both {by_uid[uid].name} and {path.name} exist",
                file=path,
                total_uid=uid,
            )
        by_uid[uid] = path
        outputs.append(_read_one(path, folder, model, missing))
    if missing and not allow_missing_images:
        raise MissingImagesError(missing)
    return sorted(outputs, key=lambda output: output.total_uid)


def _check_ids_match_file_name(record: dict[str, Any], where: dict[str, Any]) -> None:
    """The file name is the key that pairs an answer with its question, so the ids inside the file
    must agree with it; a renamed or misplaced file would otherwise be judged against the wrong
    instance without anyone noticing."""
    uid = where["total_uid"]
    if "total_uid" in record and str(record["total_uid"]) != uid:
        raise FormatError(
            f"total_uid {record['total_uid']!r} does not match the file name", **where, field="total_uid"
        )
    ids = [record.get(key) for key in ("meta_task_id", "subtask_id", "data_id")]
    if all(isinstance(value, (str, int)) and str(value).isdigit() for value in ids):
        expected = expected_total_uid(*(str(value) for value in ids))
        if expected != uid:
            raise FormatError(
                f"meta_task_id/subtask_id/data_id give total_uid {expected}, but the file is named {uid}",
                **where,
                field="data_id",
            )


def _read_one(path: Path, folder: Path, model: str, missing: MissingImages) -> ModelOutput:
    uid = path.stem
    where: dict[str, Any] = {"file": path, "total_uid": uid}
    size = path.stat().st_size
    if size > MAX_OUTPUT_FILE_BYTES:
        raise FormatError(f"file is {size} bytes, above the {MAX_OUTPUT_FILE_BYTES}-byte limit", **where)
    try:
        record = loads(path.read_bytes())
    except JSONInputError as exc:
        column = f" (column {exc.column})" if exc.column is not None else ""
        raise FormatError(exc.problem + column, **where, line=exc.line, field=exc.field) from None
    if not isinstance(record, dict):
        raise FormatError("the file must hold one JSON object", **where)
    _check_ids_match_file_name(record, where)

    resolver = FolderResolver(folder)

    def locate_image(raw: str, step_where: dict[str, Any]) -> tuple[Path, str]:
        relative = relative_image_path(raw, where=step_where)
        if len(relative.parts) > 1 and relative.parts[0] == folder.name:
            relative = PurePosixPath(*relative.parts[1:])
        return resolver.resolve(relative, raw=raw, where=step_where), relative.as_posix()

    steps, _ = parse_steps(
        conversation_sides(record, where)["output"],
        field_prefix="conversations[1].output",
        where=where,
        locate_image=locate_image,
        missing=missing,
    )
    return ModelOutput(total_uid=uid, model=model, steps=steps)
