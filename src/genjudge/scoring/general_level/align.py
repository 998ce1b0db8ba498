"""Putting a model's results in the reference's task order, and refusing what cannot be scored.

The official ranker pairs a results row with the SoTA row at the same *position* and never looks
at the task name; genjudge's default matches by task name, so a sorted, shortened or re-ordered
sheet scores the same and a typo is an error instead of a shifted comparison.
"""

from __future__ import annotations

import numpy as np

from genjudge.scoring.general_level.errors import GeneralLevelFormatError
from genjudge.scoring.general_level.metrics import MAY_BE_NEGATIVE, metric_key
from genjudge.scoring.general_level.tables import SHEETS, Reference, Results, SheetScores, task_key


def aligned_values(results: Results, reference: Reference, *, official: bool) -> tuple[np.ndarray, list[str]]:
    """The model's raw value for every reference task (NaN = unsupported), and notes on what was
    left out (sheets absent from CSV/JSON results, whose tasks are then unsupported).

    Raises :class:`GeneralLevelFormatError` for sheets the reference lacks, unknown or duplicate
    task names, a metric that disagrees with the reference, a negative value of a metric that
    cannot be negative, and, in official mode, a sheet whose row count differs from the reference.
    The default also refuses a reference with an empty sheet or a missing SoTA value, which only
    official mode scores (as ``ranker.py`` does).
    """
    if not official:
        _check_reference_for_default(reference)
    extra = sorted(set(results.sheets) - set(SHEETS))
    if extra:
        raise GeneralLevelFormatError(
            f"results for {results.model!r}: sheets {extra} are not in the SoTA sheet ({reference.source}); "
            f"expected only {list(SHEETS)}"
        )
    values = np.full(len(reference), np.nan)
    notes: list[str] = []
    for sheet in SHEETS:
        scores = results.sheets.get(sheet)
        span = reference.sheet_slices[sheet]
        if scores is None:
            if official:
                raise GeneralLevelFormatError(
                    f"results for {results.model!r}: sheet {sheet!r} is missing; the official ranker "
                    "needs the same sheets as the SoTA workbook"
                )
            notes.append(f"sheet {sheet!r} absent: its {span.stop - span.start} tasks count as unsupported")
            continue
        offsets = _offsets(sheet, scores, reference, official=official)
        _check_metrics(sheet, scores, offsets, reference)
        _check_signs(sheet, scores, offsets, reference)
        if offsets is None:
            values[span] = scores.values
        else:
            values[span][offsets] = scores.values
    return values, notes


def _check_reference_for_default(reference: Reference) -> None:
    """genjudge's documented choice: a sheet without tasks or a task without a SoTA value is an
    error, not a silent 0 (a modality scored on one paradigm, a task nobody can beat)."""
    if reference.empty_sheets:
        raise GeneralLevelFormatError(
            f"{reference.source}: sheets {list(reference.empty_sheets)} have no tasks; genjudge's rules "
            "cannot score a modality on one paradigm. --official scores it as ranker.py does "
            "(the empty sheet counts 0, so that modality's Level-4 is 0)"
        )
    missing = np.flatnonzero(np.isnan(reference.sota))
    if missing.size:
        task = reference.tasks.iloc[missing[0]]
        raise GeneralLevelFormatError(
            f"{reference.source}, sheet {task['sheet']!r}, row {task['row']}: task {task['task']!r} has no "
            f"SoTA value ({missing.size} such tasks); genjudge's rules need one to compare against. "
            "--official scores it as ranker.py does (the task is never won)"
        )


def _offsets(sheet: str, scores: SheetScores, reference: Reference, *, official: bool) -> np.ndarray | None:
    """Where each results row lands within the reference sheet; None when row i is task i (the
    official layout, and every sheet in official mode), so the common case costs no lookups."""
    expected = reference.sheet_tasks[sheet]
    if official:
        if len(scores.tasks) != len(expected):
            raise GeneralLevelFormatError(
                f"{scores.source}, sheet {sheet!r}: {len(scores.tasks)} rows, but the SoTA sheet has "
                f"{len(expected)}; the official ranker pairs rows by position, so both must match"
            )
        return None
    if scores.tasks == expected:
        return None
    keys = reference.sheet_keys[sheet]
    offsets = np.empty(len(scores.tasks), dtype=np.intp)
    seen: dict[int, int] = {}
    for index, name in enumerate(scores.tasks):
        offset = keys.get(task_key(name))
        if offset is None:
            raise GeneralLevelFormatError(
                f"{scores.where(sheet, index)}: task {name!r} is not in sheet {sheet!r} of the SoTA sheet "
                f"({reference.source})"
            )
        if offset in seen:
            raise GeneralLevelFormatError(
                f"{scores.where(sheet, index)}: task {name!r} appears twice (also {scores.row_label} "
                f"{scores.rows[seen[offset]]})"
            )
        seen[offset] = index
        offsets[index] = offset
    return offsets


def _check_metrics(sheet: str, scores: SheetScores, offsets: np.ndarray | None, reference: Reference) -> None:
    """A results row that names a metric must name the reference's metric for that task."""
    if scores.metrics is None:
        return
    expected = reference.sheet_metrics[sheet]
    if offsets is None:
        if scores.metrics == expected:
            return
        offsets = np.arange(len(expected))
    for index, offset in enumerate(offsets):
        given = scores.metrics[index]
        if given is not None and metric_key(given) != metric_key(expected[offset]):
            raise GeneralLevelFormatError(
                f"{scores.where(sheet, index)}: metric {given!r} for task {scores.tasks[index]!r}, "
                f"but the SoTA sheet scores that task with {expected[offset]!r}"
            )


def _check_signs(sheet: str, scores: SheetScores, offsets: np.ndarray | None, reference: Reference) -> None:
    """Negative values only where the metric can be negative (correlations, MS-SSIM)."""
    negative = np.flatnonzero(scores.values < 0)
    for index in negative:
        metric = reference.sheet_metrics[sheet][index if offsets is None else offsets[index]]
        if metric_key(metric) not in MAY_BE_NEGATIVE:
            raise GeneralLevelFormatError(
                f"{scores.where(sheet, int(index))}: {scores.values[index]:g} is negative, but {metric!r} "
                f"cannot be (task {scores.tasks[index]!r})"
            )
