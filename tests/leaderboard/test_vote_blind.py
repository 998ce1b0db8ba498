"""The Vote tab as an attacker sees it, through ``gradio_client`` against the Space on loopback:
nothing sent before a vote names the models, their order or the pair's kind (decoded every way a
string can be); new sessions and forged ``X-Forwarded-For`` headers do not reset the limits; a
board can require login; a reason with control characters is refused; and a ledger damaged while
the Space was down stops voting with the line named, once in the log, and `votes check` repairs it."""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import json
import logging
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from leaderboard_helpers import jpeg, opening_board, output_record, serving, voting_service, zip_folder
from PIL import Image
from typer.testing import CliRunner

from genjudge.cli import app
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.votes.pair_choice import CONTROL_BROKEN, CONTROL_GOLD, PairMix
from genjudge.votes.policy import VotePolicy
from genjudge.votes.rate_limit import RateLimit

gradio_client = pytest.importorskip("gradio_client")

MODELS = ("Zephyrine-7B", "Quokkalux")
KIND_WORDS = ("control", "battle", "disagreement", "uncertainty", CONTROL_GOLD, CONTROL_BROKEN, "kind")
BALLOT_KEYS = {"ok", "ticket", "uid", "prompt", "A", "B"}


def named_image(model: str, quality: int) -> bytes:
    """A JPEG that names its model in its comment and EXIF, and in bytes after its end."""
    image = Image.open(io.BytesIO(jpeg((quality * 40 % 255, 90, 90))))
    exif = Image.Exif()
    exif[0x0131] = f"{model} renderer"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", comment=f"made by {model}".encode(), exif=exif)
    return out.getvalue() + f"trailer {model}".encode()


def anonymous_submission(tmp_path, model: str, quality: int):
    """Outputs whose text does not name the model, whose images do (hidden in their bytes)."""
    from leaderboard_helpers import UIDS

    folder = tmp_path / f"{model}_output"
    folder.mkdir()
    for uid in UIDS:
        record = output_record(uid, [f"answer to {uid} " + "word " * quality])
        (folder / f"{uid}.json").write_text(json.dumps(record))
        (folder / f"{uid}-o-0.jpg").write_bytes(named_image(model, quality))
    return zip_folder(folder, tmp_path / f"{model}.zip", prefix=f"{model}_output/")


def blind_service(tmp_path, instances) -> LeaderboardService:
    board = opening_board(instances)
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    for quality, model in enumerate(MODELS, start=1):
        store.submit(anonymous_submission(tmp_path, model, quality), board, model_name=model)
    service = LeaderboardService(store, {"opening": board})
    service.worker.run_until_empty()
    return service


def readings(value, depth: int = 0) -> Iterator[str]:
    """Every string in ``value`` and, recursively, what it decodes to as base64 (either alphabet),
    URL-quoting or JSON: all a client could read out of it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from readings(key, depth)
            yield from readings(item, depth)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from readings(item, depth)
    elif isinstance(value, str):
        yield value
        if depth >= 3:
            return
        unquoted = urllib.parse.unquote(value)
        if unquoted != value:
            yield from readings(unquoted, depth + 1)
        with_padding = value + "=" * (-len(value) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(with_padding)
            except (binascii.Error, ValueError):
                continue
            yield from readings(raw.decode("latin-1"), depth + 1)
        for part in re.split(r"[.\s,;:]", value):
            if part != value and len(part) >= 8:
                yield from readings(part, depth + 1)
        with contextlib.suppress(ValueError):
            yield from readings(json.loads(value), depth + 1)


def test_nothing_sent_before_a_vote_names_the_models_their_order_or_the_pairs_kind(tmp_path, instances):
    service = blind_service(tmp_path, instances)
    booth = service.booths["opening"]
    booth.mix = PairMix(control_share=0.4, disagreement_share=0.3)
    with serving(service, tmp_path / "lb" / "board") as url:
        client = gradio_client.Client(url, verbose=False)
        endpoints = sorted(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
        assert {"/vote_next_opening", "/vote_cast_opening", "/vote_live_opening"} <= set(endpoints)
        before = client.predict(api_name="/vote_live_opening")
        ballots, kinds = [], set()
        for _ in range(12):
            client.reset_session()
            ballots.append(client.predict(api_name="/vote_next_opening"))
            voter = booth.voter(f"session:{client.session_hash}")
            kinds.add(booth.desk.verify(ballots[-1]["ticket"], voter=voter).kind)  # what the server knows
        assert client.predict(api_name="/vote_live_opening") == before  # issuing a pair tells nothing
    assert kinds == {"battle", "control"}  # both kinds were served, and look alike
    for ballot in ballots:
        assert ballot["ok"] and set(ballot) == BALLOT_KEYS
        text = "\n".join(readings(ballot)).casefold()
        for secret in (*MODELS, "zephyrine", "quokka", *KIND_WORDS, "renderer", "made by", "trailer"):
            assert secret.casefold() not in text, secret
        for step in ballot["A"] + ballot["B"]:
            assert step["image"] is None or base64.b64decode(step["image"]).startswith(b"\x89PNG")


def test_new_sessions_and_forged_forwarding_headers_do_not_reset_the_limits(tmp_path, instances):
    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta")])
    booth = service.booths["opening"]
    booth.policy = VotePolicy(address_limit=RateLimit(3, 600))
    with serving(service, tmp_path / "lb" / "board") as url:

        def vote(headers: dict[str, str] | None = None) -> dict:
            client = gradio_client.Client(url, verbose=False, headers=headers)  # a new session each time
            ballot = client.predict(api_name="/vote_next_opening")
            return (
                client.predict(ballot["ticket"], "A", "", api_name="/vote_cast_opening")
                if ballot["ok"]
                else ballot
            )

        plain = [vote() for _ in range(5)]
        forged = [vote({"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(5)]
        voted_pairs = {row["pair_id"] for row in booth.ledger.rows()}
        booth.policy = VotePolicy(address_limit=RateLimit(100, 600), pair_budget=1)
        budget = [vote() for _ in range(10)]
    assert [o["ok"] for o in plain] == [True] * 3 + [False] * 2
    assert "at most 3 votes in any 600 s from one address" in plain[-1]["message"]
    assert [o["ok"] for o in forged] == [True] * 3 + [False] * 2  # one shared address, not five
    rows = booth.ledger.rows()
    assert len({row["pair_id"] for row in rows}) == 8  # 4 instances: 4 battle pairs and 4 control pairs
    assert sum(o["ok"] for o in budget) == 8 - len(voted_pairs) == len(rows) - 6  # one more vote each at most
    assert "has all the votes it takes" in budget[-1]["message"]


def test_login_can_be_required_and_reasons_with_control_characters_are_refused(tmp_path, instances):
    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta")])
    booth = service.booths["opening"]
    with serving(service, tmp_path / "lb" / "board") as url:
        client = gradio_client.Client(url, verbose=False)
        ballot = client.predict(api_name="/vote_next_opening")
        for reason in ("\x1b]0;pwned\x07", "a\x00b", "\u202eevil"):
            refused = client.predict(ballot["ticket"], "A", reason, api_name="/vote_cast_opening")
            assert not refused["ok"] and "control characters" in refused["message"]
        booth.policy = VotePolicy(require_login=True)
        client.reset_session()
        locked = client.predict(api_name="/vote_next_opening")
    assert not locked["ok"] and "Log in with Hugging Face" in locked["message"]
    assert booth.ledger.rows() == []


def test_a_ledger_damaged_while_the_space_was_down_stops_voting_until_checked(tmp_path, instances, caplog):
    service = voting_service(tmp_path, instances, [(1, "Alpha"), (3, "Beta")])
    booth = service.booths["opening"]
    for name in ("v1", "v2", "v3"):
        voter = booth.voter(name)
        booth.cast(booth.next_ballot(voter).token, voter, "A")
    ledger = booth.ledger.path
    lines = ledger.read_text().splitlines()
    lines[1] = lines[1].replace('"winner": "A"', '"winner": 4')
    ledger.write_text("\n".join(lines) + "\n")
    damaged = ledger.read_bytes()

    board = opening_board(instances)
    with caplog.at_level(logging.ERROR, logger="genjudge.votes"):
        restarted = LeaderboardService(LeaderboardStore(tmp_path / "lb", boards=[board]), {"opening": board})
        with serving(restarted, tmp_path / "lb" / "board") as url:
            client = gradio_client.Client(url, verbose=False)
            answers = [
                client.predict(api_name="/vote_next_opening"),
                client.predict("A" * 24, "A", "", api_name="/vote_cast_opening"),
                client.predict(api_name="/vote_live_opening"),
            ]
            for answer in answers:
                assert answer["ok"] is False
                assert (
                    "Voting is unavailable" in answer["message"] and "votes.jsonl line 2" in answer["message"]
                )
            assert ledger.read_bytes() == damaged
            logged = [r.getMessage() for r in caplog.records if r.name == "genjudge.votes"]
            assert len(logged) == 1 and f"{ledger}: vote 2 is not a vote record (line 2: " in logged[0]

            runner = CliRunner()
            store = ["--board", "opening", "--store", str(tmp_path / "lb")]
            shown = runner.invoke(app, ["leaderboard", "votes", "show", *store])
            assert shown.exit_code == 1 and "Traceback" not in shown.output
            assert shown.output.count("\n") == 1 and "line 2: field 'winner' is int" in shown.output
            checked = runner.invoke(app, ["leaderboard", "votes", "check", *store])
            assert checked.exit_code == 1 and f"{ledger}: line 2: field 'winner' is int" in checked.output
            assert "--repair" in checked.output and ledger.read_bytes() == damaged
            repaired = runner.invoke(app, ["leaderboard", "votes", "check", *store, "--repair"])
            assert repaired.exit_code == 0 and "2 vote(s) kept as they were" in repaired.output

            ballot = client.predict(api_name="/vote_next_opening")
            assert client.predict(ballot["ticket"], "B", "", api_name="/vote_cast_opening")["ok"]
    quarantined = list((tmp_path / "lb").rglob("quarantine/*"))
    assert len(quarantined) == 1 and lines[1] in quarantined[0].read_text()
    assert ledger.read_text().splitlines()[:2] == [lines[0], lines[2]]
