"""The Vote tab of a board that takes votes (its spec has ``voting``), and its API endpoints.

Layout and formatting only: which pair is shown, what counts and what is refused are decided by
the board's :class:`~genjudge.votes.booth.VoteBooth`. The voter is the Hugging Face login where the
Space has OAuth (``gr.LoginButton``), else the browser session; only a salted hash of either is
stored, and the board's policy may require the login. Votes are also limited per client address,
taken from the connection (``X-Forwarded-For`` only as far as the operator trusts proxies). A pair
is shown as the steps of text and images its board's ``render`` hook makes of it. Before a vote
nothing sent names the models, their order or the pair's kind: the ticket is an opaque id and
images go out as their pixels only. Everything a voter or a model wrote is HTML-escaped before it is
shown. Keys 1–4 vote (A, Tie(A), Tie(B), B) and N asks for the next pair, unless the cursor is in a
text box.
"""

from __future__ import annotations

import base64
import html
import os
import re
from typing import Any

import gradio as gr
import pandas as pd

from genjudge.benchmarks.plugin import Board
from genjudge.core.records import Step
from genjudge.votes.blind import pixels_only
from genjudge.votes.booth import Ballot, VoteBooth
from genjudge.votes.errors import VoteRefused
from genjudge.votes.live import LiveNumbers
from genjudge.votes.policy import VotePolicy

BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("A", "A", "A is better · 1"),
    ("Tie(A)", "TieA", "Tie, leaning A · 2"),
    ("Tie(B)", "TieB", "Tie, leaning B · 3"),
    ("B", "B", "B is better · 4"),
)
"""The four OpenING labels as buttons: label, element id suffix (the keyboard handler's), text."""
VARIANT_NAMES = {"fdt": "FDT (ties split by lean)", "with_tie": "With tie", "without_tie": "Without tie"}

CSS = """
.gj-vote-pair { gap: 12px; }
.gj-output, .gj-prompt { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px; }
.gj-output img, .gj-prompt img { max-width: 100%; height: auto; display: block; margin: 6px 0; }
.gj-step { margin-bottom: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
@media (max-width: 720px) {
  .gj-vote-pair { flex-direction: column !important; }
  .gj-vote-pair > * { min-width: 100% !important; }
  .gj-vote-buttons { flex-wrap: wrap !important; }
  .gj-vote-buttons > * { min-width: 45% !important; }
}
"""

KEYS_JS = """
() => {
  if (window.gjVoteKeys) return;
  window.gjVoteKeys = true;
  const keys = {"1": "A", "2": "TieA", "3": "TieB", "4": "B", "n": "next", "N": "next"};
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || !(event.key in keys)) return;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT");
    if (typing || (target && target.isContentEditable)) return;
    const suffix = "-vote-" + keys[event.key];
    const buttons = [...document.querySelectorAll("button[id$='" + suffix + "']")];
    const button = buttons.find((b) => b.offsetParent !== null);
    if (button) { event.preventDefault(); button.click(); }
  });
}
"""


def _shown_image(step: Step) -> str | None:
    """A step's image as sent before the vote: base64 of a PNG of its pixels (no name, no metadata),
    ``None`` when it has none or it does not decode."""
    bare = None if step.image is None else pixels_only(step.image)
    return None if bare is None else base64.b64encode(bare).decode()


def steps_html(steps: tuple[Step, ...], css_class: str = "gj-output") -> str:
    """Steps as HTML: each text escaped, each image inline (a PNG data URI, pixels only); a step with
    neither says so."""
    parts = []
    for step in steps:
        text = html.escape(step.text) if step.text.strip() else ""
        if not text and step.image is None:
            text = "<em>(no text)</em>"
        image = ""
        if step.image is not None:
            encoded = _shown_image(step)
            image = (
                f'<img alt="image" src="data:image/png;base64,{encoded}">'
                if encoded
                else "<em>(an image that cannot be shown)</em>"
            )
        parts.append(f'<div class="gj-step">{text}{image}</div>')
    return f'<div class="{css_class}">{"".join(parts) or "<em>(empty answer)</em>"}</div>'


def _steps_json(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    return [{"text": s.text, "image": _shown_image(s)} for s in steps]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON records, NaN (no votes yet) as ``null``."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _note(text: str, kind: str = "info") -> str:
    """A one-line message for the voter, escaped."""
    mark = {"ok": "✅", "refused": "❌", "info": "ℹ️"}[kind]
    return f'<p class="gj-vote-note">{mark} {html.escape(text)}</p>'


def _side(side: str, model: str = "") -> str:
    """The heading over one answer: the side, and once voted the model's name (escaped)."""
    return f"<h3>{side}{' · ' + html.escape(model) if model else ''}</h3>"


def oauth_configured() -> bool:
    """Whether this Space has HF OAuth (``hf_oauth: true`` in its card sets ``OAUTH_CLIENT_ID``)."""
    return bool(os.environ.get("OAUTH_CLIENT_ID"))


def _identity(profile: gr.OAuthProfile | None, request: gr.Request | None) -> str:
    """Who is voting: the HF user name when logged in, else the browser (or API client) session."""
    if profile is not None:
        return f"hf:{profile.username}"
    session = getattr(request, "session_hash", None) if request is not None else None
    return f"session:{session}" if session else ""


def client_address(policy: VotePolicy, request: gr.Request | None) -> str:
    """The address a request's votes are limited by (see :meth:`VotePolicy.client_address`)."""
    if request is None:
        return ""
    client = getattr(request, "client", None)
    peer = getattr(client, "host", None) if client is not None else None
    headers = getattr(request, "headers", None) or {}
    if hasattr(headers, "getlist"):
        forwarded = headers.getlist("x-forwarded-for")
    else:  # a request gradio pickled keeps its headers as a plain mapping
        forwarded = [str(v) for k, v in headers.items() if str(k).lower() == "x-forwarded-for"]
    return policy.client_address(peer, forwarded)


def agreement_table(numbers: LiveNumbers) -> pd.DataFrame:
    rows = []
    for variant, row in numbers.agreement.iterrows():
        known = pd.notna(row["agreement"])
        rows.append(
            {
                "Agreement": VARIANT_NAMES[str(variant)],
                "Judge–human (%)": f"{100 * row['agreement']:.1f}" if known else "–",
                "95% bootstrap interval": (
                    f"{100 * row['lower']:.1f} – {100 * row['upper']:.1f}" if pd.notna(row["lower"]) else "–"
                ),
                "Votes counted": int(row["pairs"]),
            }
        )
    return pd.DataFrame(rows)


def win_rate_table(numbers: LiveNumbers) -> pd.DataFrame:
    frame = numbers.win_rates

    def percent(value: float) -> str:
        return "–" if pd.isna(value) else f"{100 * value:.1f}"

    return pd.DataFrame(
        {
            "Model": frame["model"],
            "Crowd FDT win rate (%)": frame["crowd_fdt"].map(percent),
            "Votes": frame["votes"],
            "Judge FDT win rate (%)": frame["judge_fdt"].map(percent),
            "Judge battles": frame["judge_battles"],
        }
    )


def counts_line(numbers: LiveNumbers, judge_name: str) -> str:
    return (
        f"{numbers.votes} vote(s) so far; {numbers.counted} counted "
        f"({numbers.controls} control pair(s) not counted, {numbers.flagged_voters} voter(s) excluded for "
        f"failing a control). Judge: {judge_name}."
    )


def vote_tab(booth: VoteBooth, board: Board) -> None:
    """The Vote tab's components and events (inside the board's ``gr.Tabs``)."""
    board_id = board.board_id
    voting = board.spec.voting
    assert voting is not None

    def ballot_view(ballot: Ballot) -> tuple[Any, ...]:
        return (
            ballot.token,
            steps_html(ballot.view.prompt, "gj-prompt"),
            steps_html(ballot.view.left),
            steps_html(ballot.view.right),
            _side("A"),
            _side("B"),
            _note("Which answer is better? Pick one of the four buttons (or press 1–4)."),
            "",
        )

    def next_pair(profile: gr.OAuthProfile | None, request: gr.Request) -> tuple[Any, ...]:
        try:
            voter = booth.voter(_identity(profile, request))
            return ballot_view(booth.next_ballot(voter, client_address(booth.policy, request)))
        except VoteRefused as exc:
            return "", "", "", "", _side("A"), _side("B"), _note(str(exc), "info"), ""

    def caster(label: str):
        def cast(token: str, reason: str, profile: gr.OAuthProfile | None, request: gr.Request):
            if not token:
                return (
                    token,
                    _note("Ask for a pair first (Next pair, or press N).", "refused"),
                    gr.skip(),
                    gr.skip(),
                )
            try:
                voter = booth.voter(_identity(profile, request))
                result = booth.cast(token, voter, label, reason, client_address(booth.policy, request))
            except VoteRefused as exc:
                return token, _note(str(exc), "refused"), gr.skip(), gr.skip()
            said = f" Your reason: “{result.row['reason']}”." if result.row["reason"] else ""
            return (
                "",
                _note(result.message + said + " Press N for the next pair.", "ok"),
                _side("A", result.left),
                _side("B", result.right),
            )

        return cast

    def live() -> tuple[pd.DataFrame, pd.DataFrame, str]:
        try:
            numbers = booth.live()
        except VoteRefused as exc:  # the ledger cannot be read: say so where the numbers go
            return pd.DataFrame(), pd.DataFrame(), str(exc)
        return (
            agreement_table(numbers),
            win_rate_table(numbers),
            counts_line(numbers, booth.pool().judge_name),
        )

    with gr.Tab("Vote", id=f"{board_id}-vote") as tab:
        gr.Markdown(
            "Two anonymous answers to the same prompt, in random order: pick the better one, or a tie "
            "leaning to one side, and say why if you like. The models are named after your vote. "
            "Keys: **1** A · **2** tie leaning A · **3** tie leaning B · **4** B · **N** next pair.\n\n"
            f"{voting.about}"
        )
        if oauth_configured() or booth.policy.require_login:
            gr.LoginButton()
        token = gr.State("")
        prompt = gr.HTML(elem_id=f"{board_id}-vote-prompt")
        with gr.Row(elem_classes=["gj-vote-pair"]):
            with gr.Column():
                head_a = gr.HTML(_side("A"), elem_id=f"{board_id}-vote-head-A")
                left = gr.HTML(elem_id=f"{board_id}-vote-left")
            with gr.Column():
                head_b = gr.HTML(_side("B"), elem_id=f"{board_id}-vote-head-B")
                right = gr.HTML(elem_id=f"{board_id}-vote-right")
        with gr.Row(elem_classes=["gj-vote-buttons"]):
            buttons = {
                label: gr.Button(text, elem_id=f"{board_id}-vote-{suffix}") for label, suffix, text in BUTTONS
            }
        reason = gr.Textbox(
            label="Why? (optional)", lines=2, max_length=1000, elem_id=f"{board_id}-vote-reason"
        )
        message = gr.HTML(elem_id=f"{board_id}-vote-message")
        following = gr.Button("Next pair · N", variant="primary", elem_id=f"{board_id}-vote-next")
        gr.Markdown("### Live: the judge against the votes so far")
        agreement = gr.Dataframe(
            interactive=False, elem_id=f"{board_id}-vote-agreement", elem_classes=["gj-table"]
        )
        win_rates = gr.Dataframe(
            interactive=False, elem_id=f"{board_id}-vote-winrates", elem_classes=["gj-table"]
        )
        counts = gr.Markdown(elem_id=f"{board_id}-vote-counts")
        _api_endpoints(booth, board_id)

    shown = [token, prompt, left, right, head_a, head_b, message, reason]
    numbers = [agreement, win_rates, counts]
    for trigger in (tab.select, following.click):
        trigger(next_pair, None, shown, api_name=False).then(live, None, numbers, api_name=False)
    for label, button in buttons.items():
        button.click(
            caster(label),
            [token, reason],
            [token, message, head_a, head_b],
            api_name=False,
            concurrency_limit=16,
        ).then(live, None, numbers, api_name=False, show_progress="hidden")


def _api_endpoints(booth: VoteBooth, board_id: str) -> None:
    """``vote_next_<board>``, ``vote_cast_<board>`` and ``vote_live_<board>`` for scripts and tests; the
    voter is the login when the request carries one, else the client's session (a
    ``gradio_client.Client`` keeps one). A pair comes as its ticket (an opaque id), the prompt and the
    two answers as the board renders them, nothing else."""

    def api_next(profile: gr.OAuthProfile | None, request: gr.Request) -> dict[str, Any]:
        try:
            voter = booth.voter(_identity(profile, request))
            ballot = booth.next_ballot(voter, client_address(booth.policy, request))
        except VoteRefused as exc:
            return {"ok": False, "message": str(exc)}
        return {
            "ok": True,
            "ticket": ballot.token,
            "uid": ballot.uid,
            "prompt": _steps_json(ballot.view.prompt),
            "A": _steps_json(ballot.view.left),
            "B": _steps_json(ballot.view.right),
        }

    def api_cast(
        ticket: str, winner: str, reason: str, profile: gr.OAuthProfile | None, request: gr.Request
    ) -> dict[str, Any]:
        try:
            voter = booth.voter(_identity(profile, request))
            result = booth.cast(ticket, voter, winner, reason, client_address(booth.policy, request))
        except VoteRefused as exc:
            return {"ok": False, "message": str(exc)}
        return {"ok": True, "message": result.message, "A": result.left, "B": result.right}

    def api_live() -> dict[str, Any]:
        try:
            numbers = booth.live()
        except VoteRefused as exc:
            return {"ok": False, "message": str(exc)}
        return {
            "ok": True,
            "agreement": _records(numbers.agreement.reset_index()),
            "win_rates": _records(numbers.win_rates),
            "votes": numbers.votes,
            "counted": numbers.counted,
        }

    api = re.sub(r"\W", "_", board_id)
    ballot_json, ticket, winner, why, outcome, live_json = (
        gr.JSON(visible=False),
        gr.Textbox(visible=False),
        gr.Textbox(visible=False),
        gr.Textbox(visible=False),
        gr.JSON(visible=False),
        gr.JSON(visible=False),
    )
    gr.Button(visible=False).click(
        api_next, None, ballot_json, api_name=f"vote_next_{api}", concurrency_limit=16
    )
    gr.Button(visible=False).click(
        api_cast, [ticket, winner, why], outcome, api_name=f"vote_cast_{api}", concurrency_limit=16
    )
    gr.Button(visible=False).click(api_live, None, live_json, api_name=f"vote_live_{api}")
