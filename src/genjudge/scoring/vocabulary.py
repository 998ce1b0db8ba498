"""What people read: the display names of the arena numbers, defined once.

The arena report (``genjudge arena report``), its plots, the ``evaluate`` module cards and the
leaderboard board/Space all name the same quantities; these constants are those names, so a
reader never meets "95% CI" in one place and "sandwich interval" in another for one quantity.
Keys are the column names the scoring functions return.
"""

from __future__ import annotations

from enum import Enum

WIN_RATE_NAMES: dict[str, str] = {
    "fdt": "FDT",
    "with_tie_0": "with tie",
    "with_tie_05": "with tie (tie = 0.5)",
    "without_tie": "without tie",
}
"""The four OpenING win-rate variants of :func:`genjudge.scoring.winrate.win_rates`."""

WIN_RATE_MEANINGS: dict[str, str] = {
    "fdt": "force dividing tie: a tie leaning to a side counts as that side's win",
    "with_tie_0": "ties count as battles and earn nothing",
    "with_tie_05": "ties count as battles and earn half a win each",
    "without_tie": "ties are left out",
}
"""One line on each variant, for captions and cards."""

BOARD_WIN_RATE_NAMES: dict[str, str] = {
    "winrate_fdt": WIN_RATE_NAMES["fdt"],
    "winrate_with_tie": WIN_RATE_NAMES["with_tie_0"],
    "winrate_without_tie": WIN_RATE_NAMES["without_tie"],
}
"""The win-rate columns of :data:`genjudge.scoring.rating_columns.RATING_COLUMNS` (the board)."""

AGREEMENT_NAMES: dict[str, str] = {
    "fdt": "FDT",
    "with_tie": "with tie",
    "without_tie": "without tie",
}
"""The judge–human agreement variants of :func:`genjudge.scoring.agreement.judge_agreement`."""

RATING = "BT rating"
RATING_LONG = "Bradley–Terry rating (Elo scale)"
RANK = "rank"
BATTLES = "battles"
TIES = "ties (%)"
"""Share of a model's battles that ended in a tie (leaning or not), in percent."""

INTERVAL = "95% interval"


class IntervalMethod(str, Enum):
    """How a 95% interval was computed; its value is the qualifier shown after :data:`INTERVAL`."""

    bootstrap = "bootstrap"
    sandwich = "sandwich"


def interval_name(method: str | IntervalMethod) -> str:
    """``"95% interval (bootstrap)"`` or ``"95% interval (sandwich)"``."""
    return f"{INTERVAL} ({IntervalMethod(method).value})"


RANK_RULE = (
    "rank = 1 + the number of models whose 95% interval lies entirely above; "
    "models whose intervals overlap share a rank, so ranks can repeat (1, 1, 3)"
)


class SortOrder(str, Enum):
    """What a model table is sorted by; FDT win rate is the official OpenING order."""

    fdt = "fdt"
    bt = "bt"


SORT_NAMES: dict[SortOrder, str] = {SortOrder.fdt: "FDT win rate", SortOrder.bt: RATING}
DEFAULT_SORT = SortOrder.fdt
