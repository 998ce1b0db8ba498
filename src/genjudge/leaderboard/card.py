"""The leaderboard dataset's card: ``configs`` so ``load_dataset(folder, "results")`` works, and the
features declared from the boards' own column declarations.

Declared features matter twice here: files whose numbers are all null (the first model on a board
has no rating yet) still load with the right types, and ``results`` files of different benchmarks
(one nested block per board, the HF leaderboard template's ``results.<task>.<metric>``) load as one
config, each file filling its own board's block and leaving the others null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from datasets import Features, Value
from datasets.info import DatasetInfo, DatasetInfosDict
from huggingface_hub import DatasetCardData

from genjudge.benchmarks.plugin import Board, ExportSpec

REQUEST_FIELDS: dict[str, str] = {
    "submission_id": "string",
    "seq": "int64",
    "model": "string",
    "model_link": "string",
    "model_description": "string",
    "benchmark": "string",
    "board": "string",
    "status": "string",
    "reason": "string",
    "submitted_at": "string",
    "started_at": "string",
    "finished_at": "string",
    "n_items": "int64",
    "members": "list",
    "generation": "string",
}
MODEL_REQUEST_FIELDS: dict[str, str] = {
    "request_id": "string",
    "seq": "int64",
    "benchmark": "string",
    "board": "string",
    "model": "string",
    "revision": "string",
    "revision_resolved": "bool",
    "kind": "string",
    "options": "string",
    "model_name": "string",
    "submitter": "string",
    "status": "string",
    "reason": "string",
    "submission_id": "string",
    "submitted_at": "string",
    "started_at": "string",
    "finished_at": "string",
}
CONFIG_FIELDS: dict[str, str] = {
    "submission_id": "string",
    "model_name": "string",
    "model_link": "string",
    "benchmark": "string",
    "board": "string",
    "submitted_at": "string",
    "evaluated_at": "string",
    "generation": "string",
}


def _features(fields: Mapping[str, str]) -> dict:
    return {name: [Value("string")] if dtype == "list" else Value(dtype) for name, dtype in fields.items()}


def result_features(boards: Sequence[Board]) -> Features:
    """``config`` (generic fields plus each benchmark's own) and ``results`` (one block per board)."""
    config = dict(CONFIG_FIELDS)
    for board in boards:
        config.update(board.spec.config_fields)
    results = {board.board_id: _features(board.spec.result_fields()) for board in boards}
    return Features({"config": _features(config), "results": results})


def _exports(board: Board) -> tuple[ExportSpec, ...]:
    """The dataset configs a board adds: its exports, and its vote ledger if people vote on it."""
    voting = board.spec.voting
    return (*board.spec.exports, *((voting.ledger,) if voting is not None else ()))


def store_card(boards: Sequence[Board]) -> str:
    """README.md of a leaderboard folder serving ``boards``."""
    exports = {export.name: export for board in boards for export in _exports(board)}
    configs = [
        {"config_name": "results", "data_files": [{"split": "train", "path": "results/*.json"}]},
        {"config_name": "requests", "data_files": [{"split": "train", "path": "requests/*.json"}]},
        {
            "config_name": "model_requests",
            "data_files": [{"split": "train", "path": "model_requests/*.json"}],
        },
        *(
            {"config_name": name, "data_files": [{"split": "train", "path": f"{name}/*/*.jsonl"}]}
            for name in exports
        ),
    ]
    data = DatasetCardData(
        pretty_name="genjudge leaderboard", tags=["leaderboard", "genjudge", "evaluation"], configs=configs
    )
    infos = {
        "results": DatasetInfo(features=result_features(boards)),
        "requests": DatasetInfo(features=Features(_features(REQUEST_FIELDS))),
        "model_requests": DatasetInfo(features=Features(_features(MODEL_REQUEST_FIELDS))),
        **{name: DatasetInfo(features=Features(_features(e.fields))) for name, e in exports.items()},
    }
    DatasetInfosDict(infos).to_dataset_card_data(data)
    board_lines = "\n".join(
        f"- `{board.board_id}`: {board.spec.title}. Columns: "
        + "; ".join(f"**{c.label}**: {c.help}" for c in board.spec.columns)
        for board in boards
    )
    export_lines = "\n".join(f"- `{name}`: {export.help}" for name, export in exports.items())
    return (
        f"---\n{data.to_yaml()}\n---\n\n"
        "# genjudge leaderboard\n\n"
        "Submissions to the genjudge leaderboard, what they were measured with, and the boards.\n\n"
        "- `requests`: one row per submission with its status (PENDING, RUNNING, FINISHED, FAILED).\n"
        "- `model_requests`: one row per model submitted by Hub id, with its status and the submission\n"
        "  its generated outputs became.\n"
        "- `results`: one row per finished submission: `config` (model, benchmark, how it was evaluated)\n"
        "  and `results.<board>.<metric>`, its scores at the time it joined the board.\n"
        f"{export_lines}\n\n"
        "`board/<board>.parquet` is the current ranking as the Space shows it, recomputed after every\n"
        "finished job.\n\n"
        f"## Boards\n\n{board_lines}\n"
    )
