"""How the server chooses the pairs people vote on, in words (the Vote and About tabs).

Kept apart from :mod:`genjudge.votes.pair_choice`, which does the choosing with numpy, pandas and the
rating code: a board's voting spec carries this text and is read before any vote is served.
"""

from __future__ import annotations


def rule_summary(controls: str) -> str:
    """The rule in a paragraph, for the Vote tab and the About tab; ``controls`` says what a board's
    control pairs are ("an instance's gold answer against a blank or word-shuffled copy")."""
    return (
        "**How pairs are chosen.** The server picks every pair, never the voter: 10% are control pairs "
        f"({controls}; a voter who prefers the broken one is flagged and their votes are left out of the "
        "numbers), 20% are pairs where the judge and the crowd disagree so far, and the rest are drawn "
        "with weight p(1−p)·(var_i + var_j) from the crowd's current Bradley–Terry fit (p the win "
        "probability of one model over the other, var each rating's variance): the pairs whose outcome "
        "would most reduce the uncertainty of the ratings. The two answers are shown in random order and "
        "the models are named only after the vote."
    )
