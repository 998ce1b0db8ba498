"""A pairwise image board, defined here and nowhere in genjudge, votes through the same booth and Vote
tab as OpenING: its ``VotingSpec`` says how a pair looks (``render``: the prompt over two pictures)
and how a control pair is made (``control``: a member's picture against its blacked-out copy), and no
generic file knows more of it. Through ``gradio_client`` against the Space on loopback: pairs come as
the prompt and two pictures, pixels only; votes are recorded and the models named; the voter who
prefers blacked-out pictures is caught and left out, the careful one agrees with the board's judge."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from leaderboard_helpers import serving
from PIL import Image, PngImagePlugin

from genjudge.benchmarks.plugin import (
    BenchmarkSpec,
    BoardData,
    Column,
    ColumnKind,
    ExportSpec,
    Job,
    OptionValue,
    Payload,
    SortKey,
    SubmissionForm,
    VotingSpec,
)
from genjudge.benchmarks.single_file_board import SingleFileBoard
from genjudge.core.records import Step
from genjudge.leaderboard.service import LeaderboardService
from genjudge.leaderboard.store import LeaderboardStore
from genjudge.safe_io.uploads import SubmissionError, SubmissionLimits
from genjudge.votes.ledger import CONTROL, FAILED_CONTROL, VOTE_FIELDS
from genjudge.votes.pair_choice import PairMix
from genjudge.votes.policy import VotePolicy
from genjudge.votes.pool import BATTLE_COLUMNS, PairView, VotePool
from genjudge.votes.rate_limit import RateLimit
from genjudge.votes.rules import rule_summary

gradio_client = pytest.importorskip("gradio_client")

PROMPTS = {"p1": "a red apple on a table", "p2": "a lake at dawn", "p3": "a field of wheat"}
SHADES = {"Lumen": 210, "Umbra": 70}  # how bright each model paints; the board's judge likes bright


@dataclass(frozen=True)
class Picture:
    """The board's output: one encoded image, hashed as stored."""

    image: bytes

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.image).hexdigest()


def png(image: Image.Image, maker: str = "") -> bytes:
    """``image`` as PNG bytes, with ``maker`` in a text chunk (where image tools name themselves)."""
    info = PngImagePlugin.PngInfo()
    if maker:
        info.add_text("Software", f"{maker} renderer")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def brightness(image: bytes) -> float:
    with Image.open(io.BytesIO(image)) as decoded:
        return float(np.asarray(decoded.convert("L")).mean())


def render(prompt: str, left: Picture, right: Picture) -> PairView:
    return PairView((Step(prompt),), (Step("", left.image),), (Step("", right.image),))


def blacked_out(picture: Picture, rng: np.random.Generator) -> Picture:
    with Image.open(io.BytesIO(picture.image)) as image:
        return Picture(png(Image.new("RGB", image.size)))


VOTING = VotingSpec(
    ExportSpec("votes", VOTE_FIELDS, "People's votes on pairs of pictures."),
    rule_summary("a member's picture against its blacked-out copy"),
    render,
    blacked_out,
)


class PictureBoard(SingleFileBoard):
    """Ranks models by how bright their pictures are; its pairwise judge prefers the brighter one."""

    def __init__(self) -> None:
        super().__init__(SPEC, "pictures")

    def describe(self) -> str:
        return f"{len(PROMPTS)} prompts, one picture each."

    def parse(self, source: Path, limits: SubmissionLimits) -> Payload:
        with zipfile.ZipFile(source) as archive:
            images = {name.removesuffix(".png"): archive.read(name) for name in archive.namelist()}
        missing = sorted(set(PROMPTS) - set(images))
        if missing:
            raise SubmissionError(f"no picture for {', '.join(missing)}", file=source.name)
        return Payload(
            pa.table({"uid": list(PROMPTS), "image": [images[uid] for uid in PROMPTS]}), len(PROMPTS)
        )

    def score(self, job: Job, sid: str, model: str) -> dict[str, Any]:
        return {"brightness": np.mean([brightness(image) for image in job.payload(sid)["image"].to_pylist()])}

    def vote_pool(self, data: BoardData) -> VotePool:
        outputs: dict[str, dict[str, Picture]] = {}
        for member in data.members:
            table = data.payload(member["submission_id"]).to_pydict()
            outputs[member["model"]] = {
                uid: Picture(image) for uid, image in zip(table["uid"], table["image"], strict=True)
            }
        battles = [
            (uid, a, b, "A" if brightness(outputs[a][uid].image) > brightness(outputs[b][uid].image) else "B")
            for a, b in combinations(sorted(outputs), 2)
            for uid in PROMPTS
        ]
        controls = outputs[data.members[0]["model"]] if data.members else {}
        judge = pd.DataFrame(battles, columns=list(BATTLE_COLUMNS))
        return VotePool(self.board_id, PROMPTS, outputs, VOTING, controls, judge, "brightness judge")


def open_board(options: Mapping[str, OptionValue]) -> PictureBoard:
    return PictureBoard()


SPEC = BenchmarkSpec(
    name="pictures",
    title="Pictures",
    summary="One picture per prompt, the brighter the better.",
    citation="@misc{pictures, title={Pictures}}",
    columns=(Column("brightness", "Brightness", ColumnKind.NUMBER, "Mean pixel value of the pictures."),),
    sort=(SortKey("brightness"),),
    sort_note="Brightest first.",
    submission=SubmissionForm((".zip",), "Pictures (zip)", "One `<prompt id>.png` per prompt."),
    options=(),
    opener=open_board,
    voting=VOTING,
)


def submission(tmp_path: Path, model: str) -> Path:
    """A zip of the model's pictures, each naming the model in its PNG metadata only."""
    archive = tmp_path / f"{model}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for k, uid in enumerate(PROMPTS):
            picture = Image.new("RGB", (12, 8), (SHADES[model], SHADES[model] - 10 * k, 40))
            out.writestr(f"{uid}.png", png(picture, maker=model))
    return archive


def picture_service(tmp_path: Path) -> LeaderboardService:
    board = PictureBoard()
    store = LeaderboardStore(tmp_path / "lb", boards=[board])
    for model in SHADES:
        store.submit(submission(tmp_path, model), board, model_name=model)
    service = LeaderboardService(store, {board.board_id: board})
    service.worker.run_until_empty()
    return service


def shown_brightness(side: list[dict[str, Any]]) -> float:
    """The brightness of the one picture a ballot shows on a side, checking it was sent as pixels only."""
    (step,) = side
    data = base64.b64decode(step["image"])
    assert step["text"] == "" and data.startswith(b"\x89PNG") and b"renderer" not in data
    return brightness(data)


def test_a_pairwise_image_board_gets_a_working_vote_tab(tmp_path):
    service = picture_service(tmp_path)
    booth = service.booths["pictures"]
    booth.mix = PairMix(control_share=0.5, disagreement_share=0.0)
    booth.policy = VotePolicy(address_limit=RateLimit(100, 60))  # both voters share the loopback address
    with serving(service, tmp_path / "lb" / "board") as url:
        answers: dict[str, list[tuple[dict, dict]]] = {}
        for voter, likes_bright in (("careful", True), ("careless", False)):
            client = gradio_client.Client(url, verbose=False)  # a session of its own: one voter
            answers[voter] = []
            while (ballot := client.predict(api_name="/vote_next_pictures"))["ok"]:
                assert ballot["prompt"] == [{"text": PROMPTS[ballot["uid"]], "image": None}]
                a_brighter = shown_brightness(ballot["A"]) > shown_brightness(ballot["B"])
                winner = "A" if a_brighter == likes_bright else "B"
                cast = client.predict(ballot["ticket"], winner, "", api_name="/vote_cast_pictures")
                answers[voter].append((ballot, cast))
            assert "voted on every pair" in ballot["message"]
        live = client.predict(api_name="/vote_live_pictures")

    for voter in answers:  # 3 prompts: one battle (Lumen v Umbra) and one control pair each
        casts = [cast for _, cast in answers[voter]]
        assert len(casts) == 6 and all(cast["ok"] for cast in casts)
        assert sum("control pair" in cast["message"] for cast in casts) == 3
        assert sorted({cast["A"] for cast in casts} | {cast["B"] for cast in casts}) == [
            "Lumen",
            "Umbra",
            "broken output",
            "gold reference",
        ]
    rows = booth.ledger.rows()
    assert len(rows) == 12
    failed = [row for row in rows if FAILED_CONTROL in row["flags"]]
    assert len(failed) == 3 and all(row["kind"] == CONTROL for row in failed)
    assert len({row["voter"] for row in failed}) == 1  # the careless voter, on every control
    numbers = booth.live()
    assert (numbers.votes, numbers.controls, numbers.flagged_voters, numbers.counted) == (12, 6, 1, 3)
    assert live["ok"] and live["counted"] == 3
    assert numbers.agreement.loc["fdt", "agreement"] == 1.0  # the careful voter agrees with the judge
