"""Who may vote and how fast: the operator's voting policy, and the client address it keys on.

Read from the environment, like the rest of the Space's configuration:

``GENJUDGE_VOTE_REQUIRE_LOGIN``    ``1``: only voters logged in with Hugging Face (the Space's OAuth)
                                   may vote; a session alone is refused
``GENJUDGE_VOTE_ADDRESS_LIMIT``    votes per client address, ``COUNT/SECONDS`` (default ``10/60``)
``GENJUDGE_VOTE_PAIR_BUDGET``      votes one pair takes from everyone together (default 100)
``GENJUDGE_VOTE_TRUSTED_PROXIES``  how many proxies in front of the Space append to
                                   ``X-Forwarded-For`` (default 0: the header is not believed)

The address is the TCP peer unless the operator says proxies stand in front: a client can write any
``X-Forwarded-For`` it likes, so by default nothing it sends is believed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from genjudge.votes.rate_limit import RateLimit

LOGIN_PREFIX = "hf:"
"""How an identity from a Hugging Face login starts (a session's starts ``session:``)."""
UNTRUSTED_FORWARDING = "forwarded-unverified"
"""The one address every request that claims to be forwarded shares while no proxy is trusted."""
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class VotePolicy:
    """``require_login``: votes need an HF login; ``address_limit``: votes per client address;
    ``pair_budget``: votes on one pair from everyone; ``trusted_proxies``: proxy hops whose
    ``X-Forwarded-For`` entries are believed."""

    require_login: bool = False
    address_limit: RateLimit = field(default_factory=RateLimit)
    pair_budget: int = 100
    trusted_proxies: int = 0

    def __post_init__(self) -> None:
        if self.pair_budget < 1 or self.trusted_proxies < 0:
            raise ValueError(f"the pair budget must be >= 1 and trusted proxies >= 0, not {self}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> VotePolicy:
        env = os.environ if environ is None else environ

        def read(name: str, parse, default):
            text = env.get(name, "").strip()
            if not text:
                return default
            try:
                return parse(text)
            except ValueError as exc:
                raise ValueError(f"{name}={text!r}: {exc}") from None

        def flag(text: str) -> bool:
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError("expected 1 or 0")
            return text.lower() in _TRUE

        return cls(
            require_login=read("GENJUDGE_VOTE_REQUIRE_LOGIN", flag, False),
            address_limit=read("GENJUDGE_VOTE_ADDRESS_LIMIT", RateLimit.parse, RateLimit()),
            pair_budget=read("GENJUDGE_VOTE_PAIR_BUDGET", int, 100),
            trusted_proxies=read("GENJUDGE_VOTE_TRUSTED_PROXIES", int, 0),
        )

    def client_address(self, peer: str | None, forwarded_for: Sequence[str]) -> str:
        """The address a vote is limited by: ``peer`` is what the server saw, ``forwarded_for`` the
        request's ``X-Forwarded-For`` header values.

        The server in front of the app (uvicorn) replaces the peer with the header's claim when the
        connection comes from loopback, so while no proxy is trusted a request that carries the
        header and whose peer is one of its entries may be wearing a client-chosen address: all such
        requests share one address. With ``trusted_proxies`` = N the client is the N-th entry from
        the right (each proxy appends the address it was reached from)."""
        hops = [part.strip() for value in forwarded_for for part in value.split(",") if part.strip()]
        if self.trusted_proxies:
            return hops[-self.trusted_proxies] if len(hops) >= self.trusted_proxies else (peer or "")
        if hops and peer in hops:
            return UNTRUSTED_FORWARDING
        return peer or ""
