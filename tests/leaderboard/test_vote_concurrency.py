"""Fifty voters at once over HTTP on loopback, each its own session on the Space's public API
(``/gradio_api/call/vote_*``, plain HTTP), each replaying every ticket after its vote: no vote is
lost and none is counted twice. (Gradio streams one session's results on one channel, so a voter's
two requests at the same instant are tested in-process, in ``tests/votes/test_booth.py``. All fifty
come from one loopback address, so the address limit is raised here; ``test_vote_blind.py`` tests it.)"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from leaderboard_helpers import serving, voting_service

from genjudge.votes.ledger import counted_votes
from genjudge.votes.policy import VotePolicy
from genjudge.votes.rate_limit import RateLimit

VOTERS, VOTES_EACH = 50, 3


def call(http: httpx.Client, url: str, api: str, session: str, *data: Any) -> Any:
    """One call of a Gradio API endpoint as ``session``: queue it, then read its result stream."""
    posted = http.post(f"{url}gradio_api/call/{api}", json={"data": list(data), "session_hash": session})
    posted.raise_for_status()
    stream = http.get(f"{url}gradio_api/call/{api}/{posted.json()['event_id']}")
    event = None
    for line in stream.text.splitlines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: ") and event == "complete":
            return json.loads(line.removeprefix("data: "))[0]
    raise AssertionError(f"{api} did not complete: {stream.text[:500]}")


def test_fifty_concurrent_voters_lose_no_vote_and_double_count_none(tmp_path, instances):
    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta"), (5, "Gamma")])
    service.booths["opening"].policy = VotePolicy(address_limit=RateLimit(VOTERS * VOTES_EACH, 60))
    start = threading.Barrier(VOTERS)

    def voter(_: int) -> list[int]:
        session = uuid.uuid4().hex
        start.wait()  # every voter starts at the same moment
        accepted = []
        for _ in range(VOTES_EACH):
            ballot = call(http, url, "vote_next_opening", session)
            assert ballot["ok"], ballot
            outcomes = [
                call(http, url, "vote_cast_opening", session, ballot["ticket"], "A", "") for _ in (1, 2)
            ]
            accepted.append(sum(o["ok"] for o in outcomes))
            assert "already used" in outcomes[1]["message"], outcomes
        return accepted

    # A fresh connection per request: a kept-alive connection that the server closes as idle just as
    # the client reuses it is reset (seen on a loaded machine), which says nothing about the votes.
    limits = httpx.Limits(max_connections=VOTERS, max_keepalive_connections=0)
    with (
        serving(service, tmp_path / "lb" / "board") as url,
        httpx.Client(timeout=120, limits=limits) as http,
        ThreadPoolExecutor(VOTERS) as pool,
    ):
        empty = call(http, url, "vote_live_opening", "watcher")
        per_ticket = [n for accepted in pool.map(voter, range(VOTERS)) for n in accepted]
        live = call(http, url, "vote_live_opening", "watcher")

    assert empty["counted"] == 0 and {r["agreement"] for r in empty["agreement"]} == {None}

    assert per_ticket == [1] * (VOTERS * VOTES_EACH)  # each ticket counted exactly once
    rows = service.booths["opening"].ledger.rows()
    assert len(rows) == VOTERS * VOTES_EACH
    assert len({r["vote_id"] for r in rows}) == len(rows)
    assert max(Counter((r["voter"], r["pair_id"]) for r in rows).values()) == 1
    assert len({r["voter"] for r in rows}) == VOTERS
    lines = (tmp_path / "lb" / "votes" / "opening" / "votes.jsonl").read_text().splitlines()
    assert len(lines) == len(rows)  # every accepted vote is a whole line on disk
    counted = counted_votes(rows)  # some pairs were controls, failed by voters who always say A
    assert live["votes"] == len(rows) and live["counted"] == len(counted)
    assert sum(r["votes"] for r in live["win_rates"]) == 2 * len(counted)  # two models per vote
