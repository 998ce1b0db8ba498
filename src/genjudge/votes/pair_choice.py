"""Which pair a voter sees next: the server's choice, never the voter's.

The rule (stated on the Vote tab too):

1. With probability ``control_share`` (default 10%) a **control pair**: an output the board knows to
   be good (a gold answer, or a member's output) against a copy its ``control`` hook broke (blanked,
   shuffled, blacked out). Anyone looking picks the good side; a voter who picks the broken side is
   flagged and their votes are left out of the numbers.
2. With probability ``disagreement_share`` (default 20%) a pair where the **judge and the crowd
   disagree** so far (the crowd's majority side against the judge's, force-dividing ties), to settle
   the verdicts that matter for judge–human agreement.
3. Otherwise **uncertainty sampling**: a pair of models is drawn with weight ∝ p(1−p)·(var_i + var_j),
   with p the current Bradley–Terry win probability of one over the other and var the variance of
   each rating, both from the BT fit of the crowd's votes (sandwich standard errors, see
   :func:`crowd_uncertainty`; a model without votes, or with an open interval, takes rating 1000 and
   the prior variance, (200 rating points)²). p(1−p) is the
   Fisher information one more vote carries about the rating difference and var_i + var_j that
   difference's current variance, so the weight orders pairs by the expected reduction of rating
   uncertainty, as LMArena's active sampling does. The instance is then drawn uniformly among those
   both models answered and the voter has not voted on.

The side each output is shown on is a fair coin. Everything here is pure: the caller passes the
random generator, so a seed fixes the whole sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from genjudge.scoring.bt_intervals import Z95
from genjudge.scoring.incremental import BoardState

PRIOR_SD = 200.0
PRIOR_VARIANCE = PRIOR_SD**2
UNCERTAINTY, DISAGREEMENT, CONTROL_PAIR = "uncertainty", "disagreement", "control"
CONTROL_GOLD, CONTROL_BROKEN = "gold reference", "broken output"


@dataclass(frozen=True)
class PairMix:
    """The shares of control and disagreement pairs; the rest are uncertainty-sampled."""

    control_share: float = 0.1
    disagreement_share: float = 0.2

    def __post_init__(self) -> None:
        if (
            min(self.control_share, self.disagreement_share) < 0
            or self.control_share + self.disagreement_share > 1
        ):
            raise ValueError("control_share and disagreement_share must be >= 0 and sum to at most 1")


@dataclass(frozen=True)
class Choice:
    """The pair to show: ``left`` is shown as A, ``rule`` says which of the three rules chose it. For a
    control pair the two names are :data:`CONTROL_GOLD` and :data:`CONTROL_BROKEN`."""

    uid: str
    left: str
    right: str
    rule: str


def crowd_uncertainty(battles: pd.DataFrame, models: Sequence[str]) -> pd.DataFrame:
    """Rating and rating variance (rating points²) of every model in ``models`` from the crowd's
    battles (``model_a``, ``model_b``, ``winner``).

    The variance is the sandwich one, floored at what ``n`` battles can tell at best,
    ``(400/ln 10)² · 4/n`` (the inverse Fisher information of ``n`` even battles; the sandwich alone
    is 0 when every vote was a tie), and capped at the prior. A model without votes, or whose interval
    is open (it never won or never lost, so its fitted rating runs off), keeps rating 1000 and the prior.
    """
    frame = pd.DataFrame({"model": list(models), "rating": 1000.0, "variance": PRIOR_VARIANCE})
    if battles.empty:
        return frame
    state = BoardState()
    state.add(battles["model_a"].tolist(), battles["model_b"].tolist(), battles["winner"].tolist())
    ratings, _ = state.fit()
    se = (ratings["rating_upper"] - ratings["rating_lower"]).to_numpy() / (2 * Z95)
    floor = (400.0 / np.log(10.0)) ** 2 * 4.0 / np.maximum(ratings["battles"].to_numpy(dtype=float), 1.0)
    known = np.isfinite(se)
    variance = np.where(known, np.minimum(np.maximum(se**2, floor), PRIOR_VARIANCE), PRIOR_VARIANCE)
    rating = np.where(known, ratings["rating"].to_numpy(), 1000.0)
    fitted = dict(zip(ratings["model"], zip(rating, variance, strict=True), strict=True))
    prior = (1000.0, PRIOR_VARIANCE)
    frame["rating"] = [float(fitted.get(m, prior)[0]) for m in frame["model"]]
    frame["variance"] = [float(fitted.get(m, prior)[1]) for m in frame["model"]]
    return frame


def uncertainty_weights(uncertainty: pd.DataFrame) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Every pair of models and its weight p(1−p)·(var_i + var_j) (see the module docstring)."""
    rating = dict(zip(uncertainty["model"], uncertainty["rating"], strict=True))
    variance = dict(zip(uncertainty["model"], uncertainty["variance"], strict=True))
    pairs = list(combinations(sorted(rating), 2))
    weights = np.empty(len(pairs))
    for k, (i, j) in enumerate(pairs):
        p = 1.0 / (1.0 + 10.0 ** ((rating[j] - rating[i]) / 400.0))
        weights[k] = p * (1.0 - p) * (variance[i] + variance[j])
    return pairs, weights


def choose_pair(
    *,
    coverage: Mapping[str, frozenset[str]],
    uncertainty: pd.DataFrame,
    disagreements: Sequence[tuple[str, str, str]],
    control_uids: Sequence[str],
    done: Callable[[str, str, str], bool],
    rng: np.random.Generator,
    mix: PairMix = PairMix(),
) -> Choice | None:
    """The next pair for a voter, or ``None`` when nothing is left for them.

    ``coverage`` maps each model to the instances it answered; ``disagreements`` are (uid, model,
    model) pairs where judge and crowd disagree; ``control_uids`` the instances with a known-good output;
    ``done(uid, a, b)`` says whether the voter already voted on a pair (either order). Control pairs
    use the names ``CONTROL_GOLD`` and ``CONTROL_BROKEN`` for the two outputs.
    """
    draw = rng.random()
    choice = None
    if draw < mix.control_share:
        choice = _control(control_uids, done, rng)
    elif draw < mix.control_share + mix.disagreement_share:
        open_ones = [d for d in disagreements if not done(*d)]
        if open_ones:
            uid, a, b = open_ones[int(rng.integers(len(open_ones)))]
            choice = Choice(uid, a, b, DISAGREEMENT)
    if choice is None:
        choice = _uncertain(coverage, uncertainty, done, rng) or _control(control_uids, done, rng)
    if choice is None:
        return None
    if rng.random() < 0.5:
        return Choice(choice.uid, choice.right, choice.left, choice.rule)
    return choice


def _control(
    uids: Sequence[str], done: Callable[[str, str, str], bool], rng: np.random.Generator
) -> Choice | None:
    left = [uid for uid in uids if not done(uid, CONTROL_GOLD, CONTROL_BROKEN)]
    if not left:
        return None
    return Choice(left[int(rng.integers(len(left)))], CONTROL_GOLD, CONTROL_BROKEN, CONTROL_PAIR)


def _uncertain(
    coverage: Mapping[str, frozenset[str]],
    uncertainty: pd.DataFrame,
    done: Callable[[str, str, str], bool],
    rng: np.random.Generator,
) -> Choice | None:
    known = uncertainty[uncertainty["model"].isin(list(coverage))]
    pairs, weights = uncertainty_weights(known)
    weights = weights.copy()
    while weights.sum() > 0:
        k = int(rng.choice(len(pairs), p=weights / weights.sum()))
        a, b = pairs[k]
        uids = sorted(uid for uid in coverage[a] & coverage[b] if not done(uid, a, b))
        if uids:
            return Choice(uids[int(rng.integers(len(uids)))], a, b, UNCERTAINTY)
        weights[k] = 0.0  # this voter has seen every instance of the pair
    return None
