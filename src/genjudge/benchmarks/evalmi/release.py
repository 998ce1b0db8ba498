"""Reading the official EvalMi-50K release layout (IntMeGroup/LMM4LMM and its Hub dataset).

::

    <source>/MOS&QA/AIGI2025_MOS_yn.xlsx     one row per image: ImageName, MOS1, MOS2, Y/N, YN_1..YN_4
    <source>/MOS&QA/question.xlsx            one row per prompt: prompt, question_1..question_5
    <source>/prompts/prompt_tasks.jsonl      one line per prompt: tag, prompt, include, exclude, ...
    <images>/<generator>/<NNN>.png           the generated images (default: <source> itself)
    <source>/data/{train,test}_AIGI_{mos1,mos2,qa}_fold_1.jsonl    official folds, when present

What the real files contain, and how it is read:

- ``question_1`` is the overall question (``Y/N`` answers it); ``question_2..5`` are the sub-questions
  that ``YN_1..YN_4`` answer in order. In 17 prompts (1069-1085) two sub-questions share one cell
  ("...?Answer yes or no.Does ...?Answer yes or no."); they are split, and then every prompt has
  exactly as many sub-questions as its images have ``YN_k`` answers.
- ``prompt_tasks.jsonl`` spells one prompt differently from ``question.xlsx`` (1371: "there are no
  sun in the sky" against "there are sun in the sky"). The sheet's text wins: it is the one the
  generators were given (``prompts/Englishall.txt`` agrees with it) and the one the annotators
  rated the images against. Differences are collected in :attr:`Release.prompt_mismatches`.
- Images missing on disk are collected (:class:`MissingImages`), not raised one by one.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from genjudge.benchmarks.evalmi.names import image_name, normalise_image_path, parse_image_name
from genjudge.safe_io.bounded_json import JSONInputError, loads
from genjudge.safe_io.located_error import FormatError

MOS_SHEET = Path("MOS&QA") / "AIGI2025_MOS_yn.xlsx"
QUESTION_SHEET = Path("MOS&QA") / "question.xlsx"
PROMPT_TASKS = Path("prompts") / "prompt_tasks.jsonl"
FOLD_FOLDER = "data"
FOLD_TASKS = ("mos1", "mos2", "qa")
FOLD_SPLITS = ("train", "test")

OVERALL_ANSWER = "Y/N"
SUB_ANSWERS = ("YN_1", "YN_2", "YN_3", "YN_4")
QUESTION_COLUMNS = tuple(f"question_{k}" for k in range(1, 6))
TASK_DETAILS = ("time", "light", "direction")

_QUESTION_END = re.compile(r"(?<=Answer yes or no\.)\s*(?=\S)")


@dataclass(frozen=True)
class Prompt:
    """One of the benchmark's prompts with its task tag, details and yes/no questions."""

    index: int
    prompt: str
    tag: str
    include: list[dict[str, Any]]
    exclude: list[dict[str, Any]]
    details: dict[str, str | None]
    """``time``, ``light`` and ``direction`` of the ``time and light`` prompts (else ``None``)."""
    questions: list[str]
    """The overall question first, then the sub-questions in the order of ``YN_1..YN_4``."""


@dataclass(frozen=True)
class Rating:
    """The human judgements of one image."""

    image_name: str
    generator: str
    prompt_index: int
    mos_perception: float
    mos_correspondence: float
    answers: list[bool]
    """Aligned with the prompt's ``questions``: ``Y/N`` first, then ``YN_1..``."""


@dataclass(frozen=True)
class FoldRecord:
    """One line of an official fold file."""

    image_name: str
    mos: float | None
    question: str
    answer: str


@dataclass(frozen=True)
class PromptMismatch:
    index: int
    sheet_prompt: str
    tasks_prompt: str


@dataclass
class MissingImages:
    """Images the MOS sheet names that the image folder lacks, in sheet order."""

    names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.names)

    def summary(self, first: int = 5) -> str:
        shown = ", ".join(self.names[:first])
        more = f" and {len(self.names) - first:,} more" if len(self.names) > first else ""
        return f"{len(self.names):,} image(s) missing: {shown}{more}"


@dataclass(frozen=True)
class Release:
    """The parsed release: prompts, ratings, folds, and what was irregular in it."""

    source: Path
    images_dir: Path
    prompts: list[Prompt]
    ratings: list[Rating]
    folds: dict[str, dict[str, list[FoldRecord]]]
    """``{"mos1_fold_1": {"train": [...], "test": [...]}, ...}`` for the fold files present."""
    prompt_mismatches: list[PromptMismatch]
    shared_cells: list[int]
    """Prompts whose question sheet held two questions in one cell (split on reading)."""

    def image_path(self, rating: Rating) -> Path:
        return self.images_dir.joinpath(*rating.image_name.split("/"))

    def generators(self) -> list[str]:
        return sorted({rating.generator for rating in self.ratings}, key=str.lower)


def split_questions(cell: str) -> list[str]:
    """The questions in one sheet cell: usually one, two where the sheet ran them together."""
    return [part.strip() for part in _QUESTION_END.split(cell.strip()) if part.strip()]


def read_sheet(path: Path, required: tuple[str, ...]) -> tuple[pd.DataFrame, str]:
    """The first sheet of a workbook with every cell as text or number; checks the header."""
    if not path.is_file():
        raise FormatError("file not found (is --source the folder holding MOS&QA/?)", file=path)
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheet = book.sheet_names[0]
            frame = pd.read_excel(book, sheet_name=sheet, dtype=object)
    except (zipfile.BadZipFile, InvalidFileException, ValueError, KeyError, OSError) as exc:
        raise FormatError(f"not a readable .xlsx workbook: {exc}", file=path) from exc
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise FormatError(
            f"missing column(s) {missing}; the header has {[str(c) for c in frame.columns]}",
            file=path,
            sheet=sheet,
            row=1,
        )
    return frame, sheet


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def read_question_sheet(path: Path) -> tuple[list[tuple[str, list[str]]], list[int]]:
    """``[(prompt, questions)]`` in prompt order, and the prompts whose cells had to be split."""
    frame, sheet = read_sheet(path, ("prompt", *QUESTION_COLUMNS))
    prompts: list[tuple[str, list[str]]] = []
    shared: list[int] = []
    for offset, record in enumerate(frame.itertuples(index=False)):
        row = offset + 2
        values = dict(zip(frame.columns, record, strict=True))
        prompt = _text(values["prompt"])
        if prompt is None:
            raise FormatError("empty prompt", file=path, sheet=sheet, row=row, column="prompt")
        overall = _text(values["question_1"])
        if overall is None:
            raise FormatError("empty first question", file=path, sheet=sheet, row=row, column="question_1")
        questions = [overall]
        split = False
        seen_empty = None
        for column in QUESTION_COLUMNS[1:]:
            cell = _text(values[column])
            if cell is None:
                seen_empty = column
                continue
            if seen_empty is not None:
                raise FormatError(
                    f"question after the empty {seen_empty}; sub-questions must be contiguous",
                    file=path,
                    sheet=sheet,
                    row=row,
                    column=column,
                )
            parts = split_questions(cell)
            split = split or len(parts) > 1
            questions.extend(parts)
        if split:
            shared.append(offset + 1)
        prompts.append((prompt, questions))
    return prompts, shared


def _json_error(error: JSONInputError, path: Path, line: int) -> FormatError:
    """A JSONL line the bounded reader refused, as this benchmark's error: file, line, the JSON field
    (named as EvalMi-50K's other files name theirs, a column) and the character column."""
    at = f" (column {error.column})" if error.column is not None else ""
    return FormatError(f"invalid JSON: {error.problem}{at}", file=path, line=line, column=error.field)


def read_prompt_tasks(path: Path, count: int) -> list[dict[str, Any]]:
    """The ``count`` lines of ``prompt_tasks.jsonl`` as dicts, checked for ``tag`` and ``prompt``."""
    if not path.is_file():
        raise FormatError("file not found", file=path)
    tasks: list[dict[str, Any]] = []
    with path.open("rb") as handle:  # bytes: a line that is not UTF-8 is refused with its number
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = loads(line)
            except JSONInputError as exc:
                raise _json_error(exc, path, line_no) from None
            if not isinstance(record, dict):
                raise FormatError("each line must be a JSON object", file=path, line=line_no)
            for key in ("tag", "prompt"):
                if not isinstance(record.get(key), str) or not record[key].strip():
                    raise FormatError(f"missing or empty {key!r}", file=path, line=line_no, column=key)
            for key in ("include", "exclude"):
                if key in record and not (
                    isinstance(record[key], list) and all(isinstance(item, dict) for item in record[key])
                ):
                    raise FormatError(f"{key!r} must be a list of objects", file=path, line=line_no)
            tasks.append(record)
    if len(tasks) != count:
        raise FormatError(
            f"{len(tasks)} prompts, but {QUESTION_SHEET.as_posix()} has {count} (line n is prompt n)",
            file=path,
        )
    return tasks


def _answer(value: object, *, where: dict[str, Any]) -> bool | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float)) and float(value) in (0.0, 1.0):
        return bool(value)
    raise FormatError(f"answer {value!r} is not 0 or 1", **where)


def _mos(value: object, *, where: dict[str, Any]) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise FormatError(f"MOS {value!r} is not a finite number", **where)
    return number


def read_mos_sheet(path: Path, prompts: list[tuple[str, list[str]]]) -> list[Rating]:
    """Every row of the MOS sheet, checked against the prompts' questions."""
    frame, sheet = read_sheet(path, ("ImageName", "MOS1", "MOS2", OVERALL_ANSWER, *SUB_ANSWERS))
    ratings: list[Rating] = []
    first_row: dict[str, int] = {}
    columns = list(frame.columns)
    for offset, record in enumerate(frame.itertuples(index=False)):
        row = offset + 2
        values = dict(zip(columns, record, strict=True))

        def where(column: str, row: int = row) -> dict[str, Any]:
            return {"file": path, "sheet": sheet, "row": row, "column": column}

        name = _text(values["ImageName"])
        if name is None:
            raise FormatError("empty image name", **where("ImageName"))
        try:
            generator, index = parse_image_name(name)
        except ValueError as exc:
            raise FormatError(str(exc), **where("ImageName")) from None
        if name in first_row:
            raise FormatError(
                f"{name} is listed twice (first in row {first_row[name]})", **where("ImageName")
            )
        first_row[name] = row
        if index > len(prompts):
            raise FormatError(
                f"prompt {index} does not exist; {QUESTION_SHEET.as_posix()} has {len(prompts)}",
                **where("ImageName"),
            )
        overall = _answer(values[OVERALL_ANSWER], where=where(OVERALL_ANSWER))
        if overall is None:
            raise FormatError("empty answer to the overall question", **where(OVERALL_ANSWER))
        sub_answers = [_answer(values[column], where=where(column)) for column in SUB_ANSWERS]
        given = [answer for answer in sub_answers if answer is not None]
        if None in sub_answers[: len(given)]:
            raise FormatError("YN_1..YN_4 must be filled from YN_1 on, without gaps", **where("YN_1"))
        answers = [overall, *given]
        expected = len(prompts[index - 1][1])
        if len(answers) != expected:
            raise FormatError(
                f"{len(answers)} answers (Y/N and YN_k) but prompt {index} has {expected} questions",
                **where(OVERALL_ANSWER),
            )
        ratings.append(
            Rating(
                image_name=name,
                generator=generator,
                prompt_index=index,
                mos_perception=_mos(values["MOS1"], where=where("MOS1")),
                mos_correspondence=_mos(values["MOS2"], where=where("MOS2")),
                answers=answers,
            )
        )
    return ratings


def read_fold(path: Path, known: set[str]) -> list[FoldRecord]:
    """One fold file; every image must be one the MOS sheet rates."""
    records: list[FoldRecord] = []
    with path.open("rb") as handle:  # bytes: a line that is not UTF-8 is refused with its number
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = loads(line)
            except JSONInputError as exc:
                raise _json_error(exc, path, line_no) from None
            try:
                raw_image = item["image"]
                turns = item["conversations"]
                question = next(t["value"] for t in turns if t.get("from") == "human")
                answer = next(t["value"] for t in turns if t.get("from") == "gpt")
            except (KeyError, TypeError, StopIteration, AttributeError) as exc:
                raise FormatError(
                    f"expected a JSON object with 'image' and 'conversations' [human, gpt] turns ({exc!r})",
                    file=path,
                    line=line_no,
                ) from None
            name = normalise_image_path(str(raw_image))
            if name not in known:
                raise FormatError(f"image {raw_image!r} is not in the MOS sheet", file=path, line=line_no)
            mos = item.get("mos")
            try:
                mos_value = None if mos is None or isinstance(mos, bool) else float(mos)
            except (TypeError, ValueError):
                mos_value = math.nan
            if mos is not None and (mos_value is None or not math.isfinite(mos_value)):
                raise FormatError(
                    f"mos {mos!r} is not a finite number", file=path, line=line_no, column="mos"
                ) from None
            records.append(
                FoldRecord(
                    image_name=name,
                    mos=mos_value,
                    question=str(question).replace("<image>", "").strip(),
                    answer=str(answer),
                )
            )
    return records


def fold_file(source: Path, task: str, split: str, fold: int = 1) -> Path:
    return source / FOLD_FOLDER / f"{split}_AIGI_{task}_fold_{fold}.jsonl"


def read_folds(source: Path, known: set[str]) -> dict[str, dict[str, list[FoldRecord]]]:
    """The official folds whose train and test files are both present under ``data/``."""
    folds: dict[str, dict[str, list[FoldRecord]]] = {}
    for task in FOLD_TASKS:
        paths = {split: fold_file(source, task, split) for split in FOLD_SPLITS}
        present = [split for split, path in paths.items() if path.is_file()]
        if not present:
            continue
        if len(present) != len(FOLD_SPLITS):
            missing = [str(path) for split, path in paths.items() if split not in present]
            raise FormatError(f"fold {task} is incomplete: {missing} not found", file=paths[present[0]])
        folds[f"{task}_fold_1"] = {split: read_fold(path, known) for split, path in paths.items()}
    return folds


def read_release(source: str | Path, images_dir: str | Path | None = None) -> Release:
    """Parse the whole release at ``source`` (images under ``images_dir``, default ``source``)."""
    root = Path(source)
    images = Path(images_dir) if images_dir is not None else root
    sheet_prompts, shared = read_question_sheet(root / QUESTION_SHEET)
    tasks = read_prompt_tasks(root / PROMPT_TASKS, len(sheet_prompts))
    prompts: list[Prompt] = []
    mismatches: list[PromptMismatch] = []
    for index, ((text, questions), task) in enumerate(zip(sheet_prompts, tasks, strict=True), start=1):
        if task["prompt"].strip() != text:
            mismatches.append(PromptMismatch(index=index, sheet_prompt=text, tasks_prompt=task["prompt"]))
        prompts.append(
            Prompt(
                index=index,
                prompt=text,
                tag=task["tag"],
                include=task.get("include", []),
                exclude=task.get("exclude", []),
                details={key: _text(task.get(key)) for key in TASK_DETAILS},
                questions=questions,
            )
        )
    ratings = read_mos_sheet(root / MOS_SHEET, sheet_prompts)
    folds = read_folds(root, {rating.image_name for rating in ratings})
    return Release(
        source=root,
        images_dir=images,
        prompts=prompts,
        ratings=ratings,
        folds=folds,
        prompt_mismatches=mismatches,
        shared_cells=shared,
    )


def expected_image_names(release: Release) -> list[str]:
    """Every image the MOS sheet rates, in sheet order (the benchmark's image list)."""
    return [image_name(rating.generator, rating.prompt_index) for rating in release.ratings]
