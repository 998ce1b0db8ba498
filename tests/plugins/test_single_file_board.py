"""What a board that scores one uploaded file gets from :class:`SingleFileBoard`, shown on the toy
board: the upload checks driven by its spec, a format error that names only the file, each
submission scored once, results and config read from the spec."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.toy_benchmark.board import SAMPLE, SPEC, ToyBoard, read_words

from genjudge.benchmarks.plugin import Job
from genjudge.safe_io.located_error import FormatError
from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits


@pytest.fixture
def board() -> ToyBoard:
    return ToyBoard(read_words(SAMPLE))


def answers(tmp_path: Path, name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((SAMPLE / "mirror-model.csv").read_bytes())
    return path


@pytest.mark.parametrize("name", ["answers.txt", "folder.csv"])
def test_only_one_file_of_the_specs_types_is_taken(tmp_path, board, name):
    source = tmp_path / name
    if name == "folder.csv":
        source.mkdir()
    else:
        source.write_text("id,answer\n")
    with pytest.raises(SubmissionError) as error:
        board.read_submission(source, "M", SubmissionLimits())
    assert str(error.value) == f"file {name!r}: Toy Spelling takes one .csv file"


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path, board):
    with pytest.raises(SubmissionError, match="is larger than 10 bytes"):
        board.read_submission(answers(tmp_path), "M", SubmissionLimits(max_archive_bytes=10))


def test_a_format_error_names_the_file_not_the_server_folder(tmp_path, board, monkeypatch):
    def broken(source: Path, limits: SubmissionLimits) -> None:
        raise FormatError("no header", file=source, line=1)

    monkeypatch.setattr(board, "parse", broken)
    with pytest.raises(SubmissionError) as error:
        board.read_submission(answers(tmp_path), "M", SubmissionLimits())
    assert str(error.value) == "file 'answers.csv': answers.csv:1: no header"


def test_each_submission_is_scored_once_and_the_results_follow_the_spec(tmp_path, board, monkeypatch):
    payloads = {sid: board.read_submission(answers(tmp_path), sid, SubmissionLimits()).table for sid in "ab"}
    scored: list[str] = []
    score = board.score

    def counted(job: Job, sid: str, model: str) -> dict:
        scored.append(sid)
        return score(job, sid, model)

    monkeypatch.setattr(board, "score", counted)

    def job(sid: str, members: tuple[str, ...]) -> Job:
        return Job(
            request={"submission_id": sid, "model": f"model-{sid}"},
            members=tuple({"submission_id": m, "model": f"model-{m}"} for m in members),
            payload=payloads.__getitem__,
            exported=lambda name, sid: [],
            previous_board=None,
            work_dir=tmp_path,
        )

    board.evaluate(job("a", ()))
    evaluation = board.evaluate(job("b", ("a",)))
    assert scored == ["a", "b"]
    assert evaluation.board["model"].tolist() == ["model-a", "model-b"]
    assert evaluation.results == {"toy-spelling": {"accuracy": 2 / 3, "words": 3}}  # w3 is wrong
    assert set(evaluation.results["toy-spelling"]) == set(SPEC.result_fields())
    assert evaluation.config == {} and evaluation.charts == {}
