"""Turning the records of one task folder into dataset rows (see :mod:`.schema`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from genjudge.benchmarks.general_level.bench.media import TaskMediaIndex, find_record_media, media_kind
from genjudge.benchmarks.general_level.bench.reference_sheet import ReferenceIndex, ReferenceTask
from genjudge.benchmarks.general_level.bench.schema import to_json
from genjudge.benchmarks.general_level.bench.tree import Annotation, TaskFolder, read_annotation, record_id
from genjudge.safe_io.located_error import FormatError


@dataclass
class MediaTally:
    """What the media lookup found over a whole build, for the report."""

    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    unreferenced: int = 0

    def summary(self, limit: int = 5) -> str:
        shown = "; ".join(self.missing[:limit])
        more = f" (and {len(self.missing) - limit} more)" if len(self.missing) > limit else ""
        return f"{len(self.missing)} media references name no file: {shown}{more}"


def release_rows(
    tasks: Iterable[TaskFolder],
    reference: ReferenceIndex,
    tally: MediaTally,
    *,
    allow_missing_media: bool = False,
    unmatched: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of every record of ``tasks``, each task joined with its reference-sheet row.

    Tasks that a non-empty reference sheet lacks (their metric and SoTA are null) are added to
    ``unmatched``."""
    for task in tasks:
        annotation = read_annotation(task)
        row = reference.find(task.sheet, annotation.task, task.name)
        if row is None and reference.tasks and unmatched is not None:
            unmatched.append(task.relative.as_posix())
        yield from task_rows(task, annotation, row, tally, allow_missing_media=allow_missing_media)


def task_rows(
    task: TaskFolder,
    annotation: Annotation,
    reference: ReferenceTask | None,
    tally: MediaTally,
    *,
    allow_missing_media: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield the row of every record of one task.

    A string that looks like a media file but names nothing in the task folder is an error
    naming the record and JSON field, unless ``allow_missing_media`` (then it is counted in
    ``tally.missing`` and the row is written without it).
    """
    index = TaskMediaIndex.build(task.path)
    used: set[str] = set()
    for position, record in enumerate(annotation.records):
        rid = record_id(record)
        sides: dict[str, tuple[list, list]] = {}
        payload = 0
        for side in ("input", "output"):
            media = find_record_media(index, record.get(side), side)
            for where, text in media.missing:
                if not allow_missing_media:
                    raise FormatError(
                        f"names a media file that is not in {task.path}: {text!r}",
                        file=annotation.file,
                        record=f"#{position} (id {rid})",
                        field=where,
                    )
                tally.missing.append(f"{task.relative}/{rid} {where}={text!r}")
            images, files = [], []
            for rel in media.files:
                data = index.files[rel].read_bytes()
                payload += len(data)
                kind = media_kind(rel)
                if kind == "image":
                    images.append({"bytes": data, "path": rel})
                else:
                    files.append({"path": rel, "kind": kind, "bytes": data})
            used.update(media.files)
            tally.files += len(media.files)
            sides[side] = (images, files)
        tally.bytes += payload
        row = {
            "id": rid,
            "task": annotation.task,
            "task_folder": task.relative.as_posix(),
            "type": annotation.type,
            "sheet": task.sheet,
            "task_short_name": None if reference is None else reference.short_name,
            "metric": None if reference is None else reference.metric,
            "sota": None if reference is None else reference.sota,
            "input": to_json(record.get("input")),
            "output": to_json(record.get("output")),
            "input_images": sides["input"][0],
            "input_files": sides["input"][1],
            "output_images": sides["output"][0],
            "output_files": sides["output"][1],
        }
        yield row
    tally.unreferenced += len(index.used_by_nobody(used))
