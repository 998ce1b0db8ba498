"""An OpenING submission: a zip (or folder) in the official output layout, one
``<total_uid>.json`` per benchmark instance plus the images it names, turned into validated
``ModelOutput`` records.

The archive, its member names, images and the submitter's metadata are checked by the generic
:mod:`genjudge.safe_io.uploads`; this module checks the records: UTF-8 JSON in the OpenING schema, ids
that exist in the benchmark, every instance present exactly once, bounded steps and texts.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from genjudge.benchmarks.opening.outputs import read_model_outputs
from genjudge.benchmarks.opening.release import MissingImagesError
from genjudge.core.records import Instance, ModelOutput
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import (
    IMAGE_SUFFIXES,
    JSON_SUFFIXES,
    SAFE_PART_RE,
    SubmissionError,
    SubmissionLimits,
    check_image,
    check_link,
    check_model_name,
    check_short_text,
    check_source,
    copy_folder,
    extract_zip,
    submission_id_of,
)


@dataclass(frozen=True)
class Submission:
    """A validated submission: who it is from and the model's outputs, one per benchmark instance."""

    submission_id: str
    model: str
    outputs: tuple[ModelOutput, ...]
    link: str = ""
    description: str = ""


def _check_records(
    outputs: Sequence[ModelOutput], folder: Path, files: dict[str, Path], limits: SubmissionLimits
) -> None:
    """Bounds the format reader does not know about: steps per answer and characters per text."""
    for output in outputs:
        display = str(files[output.total_uid].relative_to(folder))
        if len(output.steps) > limits.max_steps:
            raise SubmissionError(
                f"has {len(output.steps)} steps (at most {limits.max_steps})",
                file=display,
                field="conversations[1].output",
            )
        for k, step in enumerate(output.steps):
            if len(step.text) > limits.max_text_chars:
                raise SubmissionError(
                    f"is {len(step.text):,} characters long (at most {limits.max_text_chars:,})",
                    file=display,
                    field=f"conversations[1].output[{k}].text",
                )


def _parse(folder: Path, root: Path, model: str) -> list[ModelOutput]:
    """Parse with the OpenING reader, re-raising its located errors relative to the submission."""
    try:
        return read_model_outputs(folder, model)
    except MissingImagesError as exc:
        first = exc.missing.items[0]
        more = f" (and {len(exc.missing) - 1} more missing image(s))" if len(exc.missing) > 1 else ""
        raise SubmissionError(
            f"names {_relative(first.path, root)}, which is not in the submission{more}",
            file=_relative(first.file, root),
            field=first.field,
        ) from exc
    except FormatError as exc:
        reason = exc.reason.replace(f"{root}/", "")
        if exc.line:
            reason = f"{reason} (line {exc.line})"
        raise SubmissionError(reason, file=_relative(exc.file, root), field=exc.field) from exc


def _safe_dir_name(name: str) -> str:
    return name if SAFE_PART_RE.match(name) and name not in (".", "..") else "submission"


def _relative(path: str | None, root: Path) -> str | None:
    """Paths in messages are the submitter's own, never our temp folder."""
    if path is None:
        return None
    with contextlib.suppress(ValueError):
        return Path(path).relative_to(root).as_posix()
    return path


def read_outputs_folder(
    folder: Path, model: str, uids: Collection[str], limits: SubmissionLimits
) -> list[ModelOutput]:
    """Parse an extracted submission folder: every benchmark uid exactly once, nothing else."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    records = [p for p in files if p.suffix.lower() in JSON_SUFFIXES]
    image_files = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    if not records:
        raise SubmissionError("no <total_uid>.json output files found in the submission")
    parents = {p.parent for p in records}
    if len(parents) > 1:
        names = sorted(str(p.relative_to(folder)) or "." for p in parents)
        raise SubmissionError(f"output files must sit in one folder; found them in {names[:4]}")
    for path in image_files:
        check_image(path, str(path.relative_to(folder)), limits)

    by_uid: dict[str, Path] = {}
    for path in records:
        display = str(path.relative_to(folder))
        uid = path.stem
        if uid in by_uid:
            raise SubmissionError(
                f"duplicate output for instance {uid} (also {by_uid[uid].relative_to(folder)})", file=display
            )
        if uid not in uids:
            raise SubmissionError(
                f"instance id {uid!r} is not one of the {len(uids)} instances of the release and split this "
                "board checks against",
                file=display,
                field="total_uid",
            )
        by_uid[uid] = path
    missing = sorted(set(uids) - set(by_uid))
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise SubmissionError(
            f"outputs missing for {len(missing)} of the {len(uids)} instances of the release and split "
            f"this board checks against: {shown}",
            field="total_uid",
        )
    outputs = _parse(next(iter(parents)), folder, model)
    _check_records(outputs, folder, by_uid, limits)
    return outputs


def validate_submission(
    source: Path,
    instances: Sequence[Instance],
    model_name: str,
    *,
    link: str = "",
    description: str = "",
    taken_names: Iterable[str] = (),
    limits: SubmissionLimits | None = None,
) -> Submission:
    """Validate an uploaded zip or folder against a benchmark; nothing is written outside a temp dir."""
    limits = limits or SubmissionLimits()
    model = check_model_name(model_name, list(taken_names), limits)
    link = check_link(link, limits)
    description = check_short_text(description, "model_description", limits.max_description_chars)
    source = Path(source)
    is_folder = check_source(source)
    submission_id = submission_id_of(source)
    uids = {inst.total_uid for inst in instances}
    with tempfile.TemporaryDirectory(prefix="genjudge-submission-") as tmp:
        workdir = Path(tmp)
        try:
            if is_folder:
                # Keep the folder's own name: records may name images as './<Model>_output/<file>'.
                copy_folder(source, workdir / _safe_dir_name(source.name), limits)
            else:
                extract_zip(source, workdir, limits)
            outputs = read_outputs_folder(workdir, model, uids, limits)
        except SubmissionError as exc:
            raise exc.without_path(workdir) from None
    return Submission(
        submission_id=submission_id, model=model, outputs=tuple(outputs), link=link, description=description
    )
