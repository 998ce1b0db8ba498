"""People's A/B votes on a board's pairs: the Interleaved Arena, served by the leaderboard.

The pieces, each with one job:

- :mod:`~genjudge.votes.tickets` keeps the pair the server shows behind an opaque id, so a vote counts
  only for a pair issued to that voter, once, before its ticket expires, and the voter learns nothing
  of the pair before voting (:mod:`~genjudge.votes.blind`: images as pixels only);
  :mod:`~genjudge.votes.secret` keeps the server secret and turns a login or session into the salted
  voter hash that is stored;
- :mod:`~genjudge.votes.policy` says who may vote and how fast (login required or not, limits per
  client address and per pair); :mod:`~genjudge.votes.reason` checks reasons and escapes them;
- :mod:`~genjudge.votes.ledger` keeps the votes as an append-only JSONL log in the leaderboard
  dataset (the ``votes`` config), refuses replays, second votes, spent pair budgets and bursts
  (:mod:`~genjudge.votes.rate_limit`) under its lock, and names a damaged line;
  :mod:`~genjudge.votes.repair` checks it and moves damaged lines aside;
- :mod:`~genjudge.votes.pair_choice` picks the next pair (uncertainty sampling, judge–crowd
  disagreements, control pairs), seeded and pure;
- :mod:`~genjudge.votes.pool` is what a board offers for voting (items, outputs, known-good outputs for
  control pairs, judge verdicts), all opaque here: the board's ``VotingSpec`` hooks show them
  (``render``) and break a good output into a control pair (``control``);
- :mod:`~genjudge.votes.live` turns the votes into judge–human agreement and crowd win rates;
- :mod:`~genjudge.votes.export` writes them in the official ``judge_modelAB_results.json`` shape;
- :mod:`~genjudge.votes.booth` puts them together for the Space and the API.
"""
