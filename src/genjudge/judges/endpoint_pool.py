"""Which of several OpenAI-compatible endpoints gets the next request, and which are taken out.

The API judge can spread one run over many servers (say one vLLM server per GPU). This module
holds only the bookkeeping, no I/O, so every transition can be tested with a fake clock:

* **Load.** A request goes to the live endpoint with the fewest requests in flight; ties go round
  robin, so equal servers get equal shares even when requests finish one at a time.
* **Taking out.** A failure that is the endpoint's fault (no connection, reset, timeout, 5xx)
  takes it out of rotation for ``probe_interval`` seconds. Failures that are the request's fault
  (429, 4xx, a malformed body) say nothing about the server's health and change nothing.
* **Probing.** Once an endpoint's interval has passed, the next request is sent to it as a probe
  (one probe at a time). An answer puts it back in rotation; another failure takes it out for
  twice as long, up to ``probe_interval_max``. Any answer from a taken-out endpoint (for example
  a request that was already in flight) also puts it back.
* **All down.** With no live endpoint the pool still hands out the one due back soonest, so
  callers that wait out their own retry backoff keep trying instead of failing at once.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from genjudge.judges.protocol import JudgeError


class Outcome(enum.Enum):
    """How a request sent to an endpoint ended, as far as the endpoint's health goes."""

    ANSWERED = "answered"
    """The endpoint answered with a usable reply."""
    REQUEST_FAULT = "request fault"
    """The endpoint answered, but the request failed (429, 4xx, malformed body): it is alive."""
    ENDPOINT_FAULT = "endpoint fault"
    """No answer: refused or reset connection, timeout, or a 5xx reply."""


class AllEndpointsDown(JudgeError):
    """Every endpoint kept failing until a request's retries ran out; names each one's last error.

    A ``JudgeError`` rather than a per-item failure: with no server left, every other item would
    fail the same way, so the run stops and says which servers to look at.
    """


@dataclass(frozen=True)
class EndpointStats:
    """What one endpoint did during a run, for the end-of-run summary."""

    url: str
    served: int
    failures: int
    taken_out: int
    live: bool
    last_error: str | None


@dataclass(frozen=True)
class Lease:
    """One request's use of an endpoint; give it back with :meth:`EndpointPool.release`."""

    url: str
    probe: bool


@dataclass
class _Endpoint:
    url: str
    in_flight: int = 0
    served: int = 0
    failures: int = 0
    taken_out: int = 0
    live: bool = True
    back_at: float = 0.0  # when a taken-out endpoint may be probed
    interval: float = 0.0  # current time out of rotation; doubles per failed probe
    probing: bool = False
    last_error: str | None = field(default=None)


class EndpointPool:
    """Thread-safe choice among endpoints by load, with taking out and probing (module docstring).

    Args:
        urls: the endpoints, in the order used to break ties.
        probe_interval: seconds an endpoint stays out after its first failure.
        probe_interval_max: cap on the doubling interval after failed probes.
        clock: monotonic seconds; tests pass a fake one.
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        probe_interval: float = 5.0,
        probe_interval_max: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("at least one endpoint is needed")
        repeated = sorted(url for url, count in Counter(urls).items() if count > 1)
        if repeated:
            raise ValueError(f"endpoint(s) given more than once: {', '.join(repeated)}")
        if probe_interval < 0 or probe_interval_max < probe_interval:
            raise ValueError(
                "need 0 <= probe_interval <= probe_interval_max, "
                f"got {probe_interval} and {probe_interval_max}"
            )
        self._endpoints = [_Endpoint(url) for url in urls]
        self._by_url = {endpoint.url: endpoint for endpoint in self._endpoints}
        self._probe_interval = probe_interval
        self._probe_interval_max = probe_interval_max
        self._clock = clock
        self._next = 0  # round-robin start for ties
        self._lock = threading.Lock()

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(endpoint.url for endpoint in self._endpoints)

    def acquire(self) -> Lease:
        """The endpoint for the next request: a due probe first, else the least loaded live one."""
        with self._lock:
            now = self._clock()
            due = [e for e in self._endpoints if not e.live and not e.probing and e.back_at <= now]
            if due:
                chosen = min(due, key=lambda e: e.back_at)
                chosen.probing = True
                chosen.in_flight += 1
                return Lease(chosen.url, probe=True)
            live = [e for e in self._rotation() if e.live]
            if live:
                chosen = min(live, key=lambda e: e.in_flight)  # min keeps the first of equals
                self._next = (self._endpoints.index(chosen) + 1) % len(self._endpoints)
            else:
                chosen = min(self._endpoints, key=lambda e: e.back_at)
            chosen.in_flight += 1
            return Lease(chosen.url, probe=False)

    def release(self, lease: Lease, outcome: Outcome, error: str | None = None) -> None:
        """Record how the leased request ended; ``error`` says why it failed."""
        with self._lock:
            endpoint = self._by_url[lease.url]
            endpoint.in_flight -= 1
            if lease.probe:
                endpoint.probing = False
            if outcome is Outcome.ANSWERED:
                endpoint.served += 1
            else:
                endpoint.failures += 1
                endpoint.last_error = error
            if outcome is not Outcome.ENDPOINT_FAULT:
                endpoint.live = True
                endpoint.interval = 0.0
                return
            if endpoint.live:
                endpoint.live = False
                endpoint.taken_out += 1
                endpoint.interval = self._probe_interval
            elif lease.probe:
                endpoint.interval = min(self._probe_interval_max, 2 * endpoint.interval)
            else:
                return  # a request sent before it was taken out: no news
            endpoint.back_at = self._clock() + endpoint.interval

    def any_live(self, besides: str | None = None) -> bool:
        """Whether an endpoint other than ``besides`` is in rotation (a failed request can move there)."""
        with self._lock:
            return any(endpoint.live and endpoint.url != besides for endpoint in self._endpoints)

    def stats(self) -> list[EndpointStats]:
        """Per-endpoint counts, in the order the endpoints were given."""
        with self._lock:
            return [
                EndpointStats(e.url, e.served, e.failures, e.taken_out, e.live, e.last_error)
                for e in self._endpoints
            ]

    def all_down_error(self, attempts: int) -> AllEndpointsDown:
        """The error for a request that gave up with every endpoint out, naming each one's last error."""
        with self._lock:
            errors = "; ".join(f"{e.url}: {e.last_error}" for e in self._endpoints)
        count = len(self._endpoints)
        subject = "the endpoint is" if count == 1 else f"all {count} endpoints are"
        return AllEndpointsDown(
            f"{subject} down (a request gave up after {attempts} attempts); last errors: {errors}"
        )

    def _rotation(self) -> list[_Endpoint]:
        """The endpoints starting at the round-robin position, so ties go to the next in turn."""
        return self._endpoints[self._next :] + self._endpoints[: self._next]
