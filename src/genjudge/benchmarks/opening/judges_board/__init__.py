"""OpenING's Judges board: pairwise judges ranked by agreement with the Interleaved Arena's people.

- :func:`load_human_verdicts` / :class:`HumanVerdicts` -- the human verdicts a board compares with
  (a file, an ``Interleaved_Arena`` folder, a Hub dataset id; default: the bundled sample)
- :func:`read_judge_submission` -- an uploaded verdict file, checked against the human verdicts
- :func:`judge_row` -- one judge's board fields (the numbers ``genjudge arena report`` prints)
- :class:`JudgesBoard` and ``SPEC`` (in :mod:`.board`) -- the leaderboard plug-in
"""

from genjudge.benchmarks.opening.judges_board.human import (
    OFFICIAL_JUDGE_FILES,
    OFFICIAL_UNSEEN,
    HumanVerdicts,
    HumanVerdictsError,
    load_human_verdicts,
    parse_unseen,
    sample_arena_dir,
)
from genjudge.benchmarks.opening.judges_board.rows import judge_row
from genjudge.benchmarks.opening.judges_board.submission import read_judge_submission

__all__ = [
    "OFFICIAL_JUDGE_FILES",
    "OFFICIAL_UNSEEN",
    "HumanVerdicts",
    "HumanVerdictsError",
    "judge_row",
    "load_human_verdicts",
    "parse_unseen",
    "read_judge_submission",
    "sample_arena_dir",
]
