"""Reading the official OpenING release layout.

::

    <source>/OpenING-benchmark/{dev,test}_data.jsonl
    <source>/OpenING-benchmark/images/<subtask_name>/<data_id>-{i,o}-<k>.jpg

Each JSONL line is one instance; image paths are relative to ``OpenING-benchmark/``. Records are
streamed one at a time so that building a dataset from the full release never holds all images in
memory. Every problem is reported as :class:`FormatError` naming the file, line, uid and
field. Missing image files are collected rather than raised one by one: the public repository ships
only a handful of its images, and a report that says "6,900 of 6,982 images are missing, the first
ones are ..." is more useful than stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genjudge.benchmarks.opening.images import FolderResolver, read_verified_image, relative_image_path
from genjudge.benchmarks.opening.taxonomy import expected_total_uid, subtask_index
from genjudge.core.records import Instance, Step
from genjudge.safe_io.bounded_json import JSONInputError, loads
from genjudge.safe_io.located_error import FormatError

ImageLocator = Callable[[str, dict[str, Any]], tuple[Path, str]]
"""Maps an image path from JSON (and the error context) to (file on disk, provenance path)."""

BENCHMARK_FOLDER = "OpenING-benchmark"
SPLITS = ("dev", "test")
ID_FIELDS = ("total_uid", "meta_task_id", "meta_task_name", "subtask_id", "subtask_name", "data_id")


@dataclass(frozen=True)
class MissingImage:
    """An image that a record names but the release does not contain."""

    file: str
    line: int
    uid: str
    field: str
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} total_uid {self.uid} field {self.field!r}: {self.path}"


@dataclass
class MissingImages:
    """Collects missing images during a read so the caller can report or refuse them as a whole."""

    items: list[MissingImage] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)

    def summary(self, first: int = 5) -> str:
        lines = [f"{len(self.items)} image file(s) referenced by the release are missing:"]
        lines += [f"  {item}" for item in self.items[:first]]
        if len(self.items) > first:
            lines.append(f"  ... and {len(self.items) - first} more")
        return "\n".join(lines)


class MissingImagesError(FormatError):
    """Raised after a full read when images are missing and missing images were not allowed."""

    def __init__(self, missing: MissingImages) -> None:
        first = missing.items[0]
        self.missing = missing
        super().__init__(
            missing.summary()
            + "\nDownload the complete OpenING release images into OpenING-benchmark/images/, or "
            "build with --allow-missing-images to store them as null images.",
            file=first.file,
            line=first.line,
            total_uid=first.uid,
            field=first.field,
        )


@dataclass(frozen=True)
class ReleaseRecord:
    """One parsed instance plus the release-relative path of each step's image (for provenance)."""

    instance: Instance
    paths: dict[str, list[str | None]]


def benchmark_dir(source_dir: str | Path) -> Path:
    """Accept either the folder holding ``OpenING-benchmark/`` or that folder itself."""
    source = Path(source_dir)
    if (source / BENCHMARK_FOLDER).is_dir():
        return source / BENCHMARK_FOLDER
    if any((source / f"{split}_data.jsonl").is_file() for split in SPLITS):
        return source
    raise FormatError(
        f"no {BENCHMARK_FOLDER}/ folder (with dev_data.jsonl / test_data.jsonl) found. Clone "
        "https://github.com/LanceZPF/OpenING (or unpack the full release with its images) and pass "
        "the folder that contains OpenING-benchmark/",
        file=source,
    )


def split_file(source_dir: str | Path, split: str) -> Path:
    """The JSONL file of ``split`` (``dev`` or ``test``), which must exist."""
    if split not in SPLITS:
        raise FormatError(f"unknown split {split!r}; OpenING has {', '.join(SPLITS)}")
    path = benchmark_dir(source_dir) / f"{split}_data.jsonl"
    if not path.is_file():
        raise FormatError(
            f"the {split} split is missing: expected {path.name} next to the images/ folder", file=path
        )
    return path


def available_splits(source_dir: str | Path) -> list[str]:
    """The splits whose JSONL file is present, in canonical order."""
    base = benchmark_dir(source_dir)
    return [split for split in SPLITS if (base / f"{split}_data.jsonl").is_file()]


def count_records(path: Path) -> int:
    """Number of non-blank lines (used as the progress bar total)."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _require(obj: dict[str, Any], key: str, kinds: tuple[type, ...], where: dict[str, Any], name: str) -> Any:
    if key not in obj:
        raise FormatError("required field is missing", **{**where, "field": name})
    value = obj[key]
    if not isinstance(value, kinds):
        expected = " or ".join("null" if kind is type(None) else kind.__name__ for kind in kinds)
        raise FormatError(f"expected {expected}, got {type(value).__name__}", **{**where, "field": name})
    return value


def _id_text(obj: dict[str, Any], key: str, where: dict[str, Any]) -> str:
    value = _require(obj, key, (str, int), where, key)
    if isinstance(value, bool):
        raise FormatError("expected a string, got bool", **{**where, "field": key})
    return str(value)


def conversation_sides(record: dict[str, Any], where: dict[str, Any]) -> dict[str, list[Any]]:
    """Pull the ``input`` and ``output`` step lists out of ``conversations``."""
    turns = _require(record, "conversations", (list,), where, "conversations")
    sides: dict[str, list[Any]] = {}
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise FormatError("expected an object", **{**where, "field": f"conversations[{index}]"})
        for side in ("input", "output"):
            if side in turn:
                if side in sides:
                    raise FormatError(
                        f"{side!r} appears twice", **{**where, "field": f"conversations[{index}].{side}"}
                    )
                sides[side] = _require(turn, side, (list,), where, f"conversations[{index}].{side}")
    for side, index in (("input", 0), ("output", 1)):
        if side not in sides:
            raise FormatError(
                "required field is missing", **{**where, "field": f"conversations[{index}].{side}"}
            )
    return sides


def parse_steps(
    raw_steps: list[Any],
    *,
    field_prefix: str,
    where: dict[str, Any],
    locate_image: ImageLocator,
    missing: MissingImages | None,
) -> tuple[tuple[Step, ...], list[str | None]]:
    """Turn JSON steps into :class:`Step` objects, reading each image via ``locate_image``.

    ``locate_image(raw_path, where) -> (file_path, provenance_path)`` maps a JSON path to a file on
    disk; it is the one thing that differs between benchmark files and model outputs.
    """
    steps: list[Step] = []
    paths: list[str | None] = []
    for index, raw in enumerate(raw_steps):
        name = f"{field_prefix}[{index}]"
        if not isinstance(raw, dict):
            raise FormatError("expected a step object", **{**where, "field": name})
        text = _require(raw, "text", (str,), where, f"{name}.text")
        image_ref = _require(raw, "image", (str, type(None)), where, f"{name}.image")
        if image_ref is None or image_ref == "":
            steps.append(Step(text, None))
            paths.append(None)
            continue
        step_where = {**where, "field": f"{name}.image"}
        file_path, provenance = locate_image(image_ref, step_where)
        if not file_path.is_file():
            if missing is None:
                raise FormatError(f"image file {file_path} does not exist", **step_where)
            missing.items.append(
                MissingImage(
                    str(where.get("file")),
                    where.get("line") or 0,
                    str(where.get("total_uid")),
                    step_where["field"],
                    str(file_path),
                )
            )
            steps.append(Step(text, None))
            paths.append(None)
            continue
        steps.append(Step(text, read_verified_image(file_path, where=step_where)))
        paths.append(provenance)
    return tuple(steps), paths


def iter_records(
    source_dir: str | Path,
    split: str,
    *,
    allow_missing_images: bool = False,
    missing: MissingImages | None = None,
) -> Iterator[ReleaseRecord]:
    """Stream the instances of one split, validated, with their image bytes.

    Missing images are gathered in ``missing`` (a fresh collector when not given). Unless
    ``allow_missing_images`` is set, the iteration ends with :class:`MissingImagesError` listing
    them; with it, they become null images and the caller reads the count from ``missing``.
    """
    base = benchmark_dir(source_dir)
    path = split_file(base, split)
    missing = MissingImages() if missing is None else missing
    seen: dict[str, int] = {}
    known = subtask_index()

    resolver = FolderResolver(base)

    def locate_image(raw: str, where: dict[str, Any]) -> tuple[Path, str]:
        relative = relative_image_path(raw, where=where)
        return resolver.resolve(relative, raw=raw, where=where), relative.as_posix()

    # Bytes, decoded line by line: a line that is not UTF-8 is then reported with its number.
    with path.open("rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where: dict[str, Any] = {"file": path, "line": line_number}
            try:
                record = loads(line)
            except JSONInputError as exc:
                column = f" (column {exc.column})" if exc.column is not None else ""
                raise FormatError(exc.reason + column, **where) from None
            if not isinstance(record, dict):
                raise FormatError("each line must be one JSON object", **where)
            ids = {key: _id_text(record, key, where) for key in ID_FIELDS}
            uid = ids["total_uid"]
            where["total_uid"] = uid
            if uid in seen:
                raise FormatError(
                    f"duplicate total_uid (first seen on line {seen[uid]})", **where, field="total_uid"
                )
            seen[uid] = line_number
            if (ids["meta_task_id"], ids["subtask_id"]) not in known:
                raise FormatError(
                    f"meta_task_id {ids['meta_task_id']} / subtask_id {ids['subtask_id']} is not one of "
                    "the 56 OpenING subtasks",
                    **where,
                    field="subtask_id",
                )
            try:
                expected = expected_total_uid(ids["meta_task_id"], ids["subtask_id"], ids["data_id"])
            except ValueError as exc:
                raise FormatError(f"ids must be decimal numbers: {exc}", **where, field="data_id") from exc
            if uid != expected:
                raise FormatError(
                    f"total_uid should be {expected} (meta_task_id, subtask_id, data_id)",
                    **where,
                    field="total_uid",
                )
            sides = conversation_sides(record, where)
            parsed = {}
            paths = {}
            for side, index in (("input", 0), ("output", 1)):
                parsed[side], paths[side] = parse_steps(
                    sides[side],
                    field_prefix=f"conversations[{index}].{side}",
                    where=where,
                    locate_image=locate_image,
                    missing=missing,
                )
            yield ReleaseRecord(
                Instance(**ids, input_steps=parsed["input"], output_steps=parsed["output"], split=split),
                paths,
            )
    if missing and not allow_missing_images:
        raise MissingImagesError(missing)


def read_benchmark(
    source_dir: str | Path, split: str, *, allow_missing_images: bool = False
) -> list[Instance]:
    """Read one split of an OpenING release into :class:`Instance` records (images as bytes).

    ``source_dir`` is the folder containing ``OpenING-benchmark/`` or that folder itself.
    """
    return [
        record.instance
        for record in iter_records(source_dir, split, allow_missing_images=allow_missing_images)
    ]
