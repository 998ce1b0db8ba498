"""EndpointPool's state transitions, driven by a fake clock: no servers, no sleeps."""

from __future__ import annotations

import pytest

from genjudge.judges.endpoint_pool import AllEndpointsDown, EndpointPool, Outcome
from genjudge.judges.protocol import JudgeError

A, B, C = "http://a:8000/v1", "http://b:8000/v1", "http://c:8000/v1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


def serve(pool: EndpointPool) -> str:
    """One request that the endpoint answers; returns where it went."""
    lease = pool.acquire()
    pool.release(lease, Outcome.ANSWERED)
    return lease.url


def fail(pool: EndpointPool, error: str = "connection failed: ConnectError") -> str:
    lease = pool.acquire()
    pool.release(lease, Outcome.ENDPOINT_FAULT, error)
    return lease.url


def test_ties_go_round_robin_and_load_goes_to_the_least_busy(clock):
    pool = EndpointPool([A, B, C], clock=clock)
    assert [serve(pool) for _ in range(6)] == [A, B, C, A, B, C]
    held = [pool.acquire() for _ in range(3)]
    assert [lease.url for lease in held] == [A, B, C]
    pool.release(held[1], Outcome.ANSWERED)
    assert pool.acquire().url == B, "B is the only one with nothing in flight"


def test_a_failing_endpoint_is_taken_out_then_probed_and_used_again_after_its_interval(clock):
    pool = EndpointPool([A, B], probe_interval=5.0, clock=clock)
    assert fail(pool) == A
    assert not pool.any_live(besides=B) and pool.any_live(besides=A)
    assert [serve(pool) for _ in range(3)] == [B, B, B], "A is out of rotation"

    clock.now += 4.9
    assert serve(pool) == B
    clock.now += 0.1
    probe = pool.acquire()
    assert (probe.url, probe.probe) == (A, True)
    assert pool.acquire().url == B, "one probe at a time"
    pool.release(probe, Outcome.ANSWERED)
    assert pool.acquire().url == A, "back in rotation"

    stats = {s.url: s for s in pool.stats()}
    assert (stats[A].served, stats[A].failures, stats[A].taken_out, stats[A].live) == (1, 1, 1, True)
    assert stats[A].last_error == "connection failed: ConnectError"
    assert (stats[B].served, stats[B].failures, stats[B].taken_out) == (4, 0, 0)


def test_each_failed_probe_doubles_the_wait_up_to_the_maximum(clock):
    pool = EndpointPool([A, B], probe_interval=2.0, probe_interval_max=5.0, clock=clock)
    fail(pool)
    waits = []
    for _ in range(3):
        started = clock.now
        while serve_or_probe(pool) != A:
            clock.now += 0.5
        waits.append(clock.now - started)
    assert waits == [2.0, 4.0, 5.0]
    assert pool.stats()[0].taken_out == 1, "failed probes keep it out; they do not take it out again"


def serve_or_probe(pool: EndpointPool) -> str:
    """B answers; a probe of A fails."""
    lease = pool.acquire()
    if lease.url == A:
        assert lease.probe
        pool.release(lease, Outcome.ENDPOINT_FAULT, "HTTP 503")
    else:
        pool.release(lease, Outcome.ANSWERED)
    return lease.url


def test_failures_that_are_the_requests_fault_keep_the_endpoint_in_rotation(clock):
    pool = EndpointPool([A, B], clock=clock)
    lease = pool.acquire()
    pool.release(lease, Outcome.REQUEST_FAULT, "HTTP 429")
    assert [serve(pool) for _ in range(2)] == [B, A]
    assert pool.stats()[0].failures == 1 and pool.stats()[0].taken_out == 0


def test_an_answer_from_a_request_already_in_flight_brings_an_endpoint_back(clock):
    pool = EndpointPool([A, B], clock=clock)
    first, second = pool.acquire(), pool.acquire()
    straggler = pool.acquire()
    assert straggler.url == A
    pool.release(first, Outcome.ENDPOINT_FAULT, "timeout")
    assert not pool.any_live(besides=B)
    pool.release(straggler, Outcome.ANSWERED)
    assert pool.any_live(besides=B)
    pool.release(second, Outcome.ANSWERED)


def test_with_every_endpoint_out_the_soonest_back_is_still_handed_out_and_the_error_names_all(clock):
    pool = EndpointPool([A, B], probe_interval=5.0, clock=clock)
    fail(pool, "connection failed: ConnectError: [Errno 111] Connection refused")
    clock.now += 1
    fail(pool, "HTTP 502")
    assert not pool.any_live()
    lease = pool.acquire()
    assert (lease.url, lease.probe) == (A, False)
    pool.release(lease, Outcome.ENDPOINT_FAULT, "HTTP 500")
    error = pool.all_down_error(attempts=6)
    assert isinstance(error, AllEndpointsDown) and isinstance(error, JudgeError)
    assert str(error) == (
        "all 2 endpoints are down (a request gave up after 6 attempts); last errors: "
        f"{A}: HTTP 500; {B}: HTTP 502"
    )


def test_bad_endpoint_lists_are_refused():
    with pytest.raises(ValueError, match="at least one endpoint"):
        EndpointPool([])
    with pytest.raises(ValueError, match=f"more than once: {A}"):
        EndpointPool([A, B, A])
