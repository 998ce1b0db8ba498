"""Finding the tasks of a released General-Bench tree and reading their ``annotation.json``.

The Hub release (``General-Level/General-Bench-Openset`` and ``-Closeset``) is laid out as
``<modality>/<comprehension|generation>/<Task>/annotation.json`` plus the task's media, and
``nlp/<Task>/annotation.json`` for language-only tasks. Folder casing differs between modalities
(``3D/``, ``audio/``, ``Image/``...), so every folder name is matched case-insensitively. The
official scripts also call the comprehension folder ``understanding`` in places; both are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genjudge.safe_io import bounded_json as safe_json
from genjudge.safe_io.located_error import FormatError

MODALITIES = {"image": "Image", "video": "Video", "audio": "Audio", "3d": "3D", "nlp": "NLP"}
"""Release folder name (lower case) -> the modality's name in the result sheets."""

PARADIGMS = {"comprehension": "comprehension", "understanding": "comprehension", "generation": "generation"}
"""Release folder name (lower case) -> paradigm."""

ANNOTATION_FILE = "annotation.json"


@dataclass(frozen=True)
class TaskFolder:
    """One task of the release: where it is and which sheet of the reference workbook it belongs to."""

    path: Path
    relative: Path
    modality: str
    paradigm: str | None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sheet(self) -> str:
        """The sheet of ``sota_result.xlsx`` holding this task (``NLP``, ``Image-Comprehension``, ...)."""
        if self.paradigm is None:
            return self.modality
        return f"{self.modality}-{self.paradigm.capitalize()}"

    @property
    def config(self) -> str:
        """The dataset config this task's records go to (``image_comprehension``, ``nlp``, ...)."""
        if self.paradigm is None:
            return self.modality.lower()
        return f"{self.modality.lower()}_{self.paradigm}"

    @property
    def annotation_file(self) -> Path:
        return self.path / ANNOTATION_FILE


@dataclass(frozen=True)
class Annotation:
    """The parsed ``annotation.json`` of one task."""

    task: str
    type: str | None
    records: list[dict[str, Any]]
    file: Path


def _subdirs(folder: Path) -> list[Path]:
    return sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name
    )


def find_tasks(root: str | Path) -> list[TaskFolder]:
    """Every task folder under ``root`` (the folder holding ``image/``, ``nlp/``, ...), sorted.

    Raises :class:`FormatError` when no modality folder is found or a task folder has
    no ``annotation.json``, naming the folder.
    """
    base = Path(root)
    if not base.is_dir():
        raise FormatError("not a folder", file=base)
    tasks: list[TaskFolder] = []
    for modality_dir in _subdirs(base):
        modality = MODALITIES.get(modality_dir.name.lower())
        if modality is None:
            continue
        if modality == "NLP":
            tasks.extend(_task(base, folder, modality, None) for folder in _subdirs(modality_dir))
            continue
        for paradigm_dir in _subdirs(modality_dir):
            paradigm = PARADIGMS.get(paradigm_dir.name.lower())
            if paradigm is not None:
                tasks.extend(_task(base, folder, modality, paradigm) for folder in _subdirs(paradigm_dir))
    if not tasks:
        raise FormatError(
            "no task folders found; expected <modality>/<comprehension|generation>/<Task>/annotation.json "
            f"or nlp/<Task>/annotation.json with modality one of {sorted(MODALITIES)} (any casing)",
            file=base,
        )
    return tasks


def _task(base: Path, folder: Path, modality: str, paradigm: str | None) -> TaskFolder:
    task = TaskFolder(path=folder, relative=folder.relative_to(base), modality=modality, paradigm=paradigm)
    if not task.annotation_file.is_file():
        raise FormatError(f"task folder has no {ANNOTATION_FILE}", file=folder)
    return task


def load_json(path: Path, max_bytes: int | None = None) -> Any:
    """Parse a JSON file within :mod:`genjudge.safe_io.bounded_json`'s bounds, turning every failure into an
    error that names the file, line, column and field.

    ``max_bytes`` refuses larger files before reading them (for untrusted files such as predictions).
    """
    if max_bytes is not None and path.is_file() and path.stat().st_size > max_bytes:
        raise FormatError(f"file is over the {max_bytes // 2**20} MiB limit", file=path)
    try:
        return safe_json.loads(path.read_bytes())
    except FileNotFoundError:
        raise FormatError("file not found", file=path) from None
    except safe_json.JSONInputError as exc:
        at = f" at line {exc.line}, column {exc.column}" if exc.line is not None else ""
        problem = exc.reason.removeprefix("malformed JSON: ")
        raise FormatError(f"malformed JSON{at}: {problem}", file=path) from None


def record_id(record: dict[str, Any]) -> str:
    """Record ids are compared as strings: the release mixes ``"3"`` and ``3``."""
    return str(record["id"])


def read_annotation(task: TaskFolder) -> Annotation:
    """Read and check one task's ``annotation.json``: ``{"task", "type", "data": [{"id", "input", ...}]}``.

    ``output`` may be absent (the close set ships inputs only). Ids must be unique within the task.
    """
    file = task.annotation_file
    doc = load_json(file)
    if not isinstance(doc, dict):
        raise FormatError(f"expected a JSON object, got {type(doc).__name__}", file=file)
    data = doc.get("data")
    if not isinstance(data, list):
        raise FormatError("missing or not a list", file=file, field="data")
    name = doc.get("task")
    if name is not None and not isinstance(name, str):
        raise FormatError("expected a string", file=file, field="task")
    seen: set[str] = set()
    for index, record in enumerate(data):
        where = f"#{index}"
        if not isinstance(record, dict):
            raise FormatError("expected a JSON object", file=file, record=where)
        if "id" not in record or not isinstance(record["id"], str | int):
            raise FormatError("missing or not a string/integer", file=file, record=where, field="id")
        if "input" not in record:
            raise FormatError("missing", file=file, record=f"{where} (id {record['id']})", field="input")
        rid = record_id(record)
        if rid in seen:
            raise FormatError("duplicate id", file=file, record=f"{where} (id {rid})", field="id")
        seen.add(rid)
    task_type = doc.get("type")
    return Annotation(
        task=name or task.name, type=None if task_type is None else str(task_type), records=data, file=file
    )


def iter_annotations(tasks: list[TaskFolder]) -> Iterator[tuple[TaskFolder, Annotation]]:
    for task in tasks:
        yield task, read_annotation(task)
