"""A Judges board submission: one judge's verdicts on the human-voted pairs, checked against them.

The file is the official ``*_modelAB_results.json`` shape (a JSON list of ``{"data_id",
"model_A": {"id", "name"}, "model_B": {...}, "winner"}``); it is read, never executed. Refused,
with the record and field named:

- anything :func:`~genjudge.benchmarks.opening.arena.read_verdicts` refuses (not a list, a record
  without ``winner``, a label other than ``A``, ``B``, ``Tie(A)``, ``Tie(B)``, ``Tie``);
- a record for an instance people did not vote on, or naming a model absent from the human set;
- a pair judged twice in the same order (both orders are welcome: that is what position-swap
  consistency is measured on);
- a file with no record in the order people saw a pair, since nothing could be compared.

A record for an instance and models of the human set, but a pairing people did not vote on, is
kept and counted as without a human verdict: the official IntJudge and GPT-4o files each hold two.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from genjudge.benchmarks.opening.arena import VERDICT_COLUMNS, ArenaFormatError, read_verdicts
from genjudge.benchmarks.opening.judges_board.human import HumanVerdicts
from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits


def _record(verdicts: pd.DataFrame, index: int) -> str:
    row = verdicts.iloc[index]
    return f"record {index} (data_id={row['uid']}, model_A={row['model_a']}, model_B={row['model_b']})"


def check_against_human(verdicts: pd.DataFrame, human: HumanVerdicts, file: str) -> None:
    """Refuse verdicts that do not fit ``human`` (see the module docstring), naming the record."""
    unknown_uid = ~verdicts["uid"].isin(human.uids)
    if unknown_uid.any():
        index = int(unknown_uid.to_numpy().nonzero()[0][0])
        raise SubmissionError(
            f"{_record(verdicts, index)}: people voted on no pair of instance "
            f"{verdicts['uid'].iloc[index]!r} ({int(unknown_uid.sum())} such record(s))",
            file=file,
            field="data_id",
        )
    for side, where in (("model_a", "model_A.name"), ("model_b", "model_B.name")):
        unknown = ~verdicts[side].isin(human.models)
        if unknown.any():
            index = int(unknown.to_numpy().nonzero()[0][0])
            raise SubmissionError(
                f"{_record(verdicts, index)}: model {verdicts[side].iloc[index]!r} is in no human-voted "
                f"pair; the human set has {', '.join(sorted(human.models))}",
                file=file,
                field=where,
            )
    keys = verdicts[["uid", "model_a", "model_b"]]
    repeated = keys.duplicated(keep="first")
    if repeated.any():
        index = int(repeated.to_numpy().nonzero()[0][0])
        first = int((keys == keys.iloc[index]).all(axis=1).to_numpy().nonzero()[0][0])
        raise SubmissionError(
            f"{_record(verdicts, index)} judges the same pair in the same order as record {first}; "
            "give one verdict per pair and order",
            file=file,
        )
    if keys.merge(human.verdicts[["uid", "model_a", "model_b"]], how="inner").empty:
        raise SubmissionError(
            f"none of the {len(verdicts)} records is a human-voted pair in the order people saw it "
            "(data_id, model_A, model_B as in the human verdict file), so nothing can be compared",
            file=file,
        )


def read_judge_submission(source: Path, human: HumanVerdicts, limits: SubmissionLimits) -> pd.DataFrame:
    """The verdicts in an uploaded file, checked against ``human``; a :class:`SubmissionError` for the
    submitter otherwise (naming the file, never the server's folder)."""
    if source.is_dir() or source.suffix.lower() != ".json":
        raise SubmissionError("a Judges submission is one .json verdict file", file=source.name)
    if source.stat().st_size > limits.max_archive_bytes:
        raise SubmissionError(f"is larger than {limits.max_archive_bytes:,} bytes", file=source.name)
    try:
        verdicts = read_verdicts(source)
    except ArenaFormatError as error:
        message = str(error).removeprefix(f"{source}: ").replace(str(source), source.name)
        raise SubmissionError(message, file=source.name) from None
    check_against_human(verdicts, human, source.name)
    return verdicts


def verdicts_table(verdicts: pd.DataFrame) -> pa.Table:
    """Verdicts → the table the store keeps (the official fields, as strings)."""
    return pa.table(
        {name: pa.array(verdicts[name].astype(str).tolist(), pa.string()) for name in VERDICT_COLUMNS}
    )


def verdicts_from_table(table: pa.Table) -> pd.DataFrame:
    """The stored table → a battles frame."""
    return pd.DataFrame({name: table.column(name).to_pylist() for name in VERDICT_COLUMNS})
