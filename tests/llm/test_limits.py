"""Adaptive concurrency, rate buckets, the error window and the backoff schedule, in isolation."""

from __future__ import annotations

import asyncio
import time

import pytest

from kgsynth.llm.limits import AdaptiveLimiter, ErrorWindow, TokenBucket
from kgsynth.llm.retry import MAX_RETRY_AFTER, Backoff, is_retryable, retry_after


def test_limiter_doubles_per_round_until_the_first_cut():
    limiter = AdaptiveLimiter(ceiling=16, start=1, tolerance=3.0)
    seen = []
    for _ in range(7):  # rounds of 1, 2 and 4 successes
        limiter.on_success(limiter.epoch, 0.1, 10)
        seen.append(limiter.limit)
    assert seen == [2, 2, 4, 4, 4, 4, 8]


def test_limiter_grows_by_one_per_round_after_a_cut():
    limiter = AdaptiveLimiter(ceiling=16, start=8, tolerance=3.0)
    limiter.cut(limiter.epoch, "http 429")
    for _ in range(4):
        limiter.on_success(limiter.epoch, 0.1, 10)
    assert limiter.limit == 5


def test_limiter_never_grows_past_its_ceiling():
    limiter = AdaptiveLimiter(ceiling=2, start=2, tolerance=3.0)
    for _ in range(20):
        limiter.on_success(limiter.epoch, 0.1, 10)
    assert limiter.limit == 2


def test_limiter_halves_on_overload_once_per_epoch():
    limiter = AdaptiveLimiter(ceiling=16, start=16, tolerance=3.0)
    epoch = limiter.epoch
    for _ in range(5):  # five 429s from requests sent before the first cut
        limiter.cut(epoch, "http 429")
    assert (limiter.limit, limiter.cuts["http 429"]) == (8, 1)


def test_limiter_never_goes_below_one():
    limiter = AdaptiveLimiter(ceiling=4, start=1, tolerance=3.0)
    limiter.cut(limiter.epoch, "http 503")
    assert limiter.limit == 1


def test_limiter_cuts_when_latency_per_token_rises_far_above_baseline():
    limiter = AdaptiveLimiter(ceiling=8, start=8, tolerance=3.0)
    limiter.on_success(limiter.epoch, 0.1, 10)  # baseline 0.01 s/token
    limiter.on_success(limiter.epoch, 0.5, 10)  # 5x: the server is queueing
    assert (limiter.limit, limiter.cuts["latency"]) == (6, 1)


def test_limiter_does_not_cut_for_a_longer_reply_at_the_same_speed():
    limiter = AdaptiveLimiter(ceiling=8, start=8, tolerance=3.0)
    limiter.on_success(limiter.epoch, 0.1, 10)
    limiter.on_success(limiter.epoch, 1.0, 100)
    assert limiter.cuts["latency"] == 0


def test_limiter_admits_at_most_limit_at_once():
    limiter = AdaptiveLimiter(ceiling=3, start=3, tolerance=3.0)
    peak = 0

    async def work():
        nonlocal peak
        await limiter.acquire()
        peak = max(peak, limiter.in_flight)
        await asyncio.sleep(0.01)
        limiter.release()

    async def main():
        await asyncio.gather(*(work() for _ in range(12)))

    asyncio.run(main())
    assert (peak, limiter.in_flight) == (3, 0)


def test_token_bucket_makes_the_caller_wait_when_empty():
    bucket = TokenBucket(per_minute=600)  # 10 a second

    async def main():
        await bucket.take(600)
        return await bucket.take(2)

    started = time.monotonic()
    waited = asyncio.run(main())
    assert waited >= 0.15 and time.monotonic() - started >= 0.15


def test_error_window_trips_only_when_full_and_at_the_rate():
    window = ErrorWindow(size=4, max_rate=0.5)
    window.record(False, "HTTP 500")
    window.record(False, "HTTP 502")
    tripped_early = window.too_high()
    window.record(True)
    window.record(True)
    assert (tripped_early, window.too_high(), window.last_error) == (False, True, "HTTP 502")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (408, True),
        (409, True),
        (429, True),
        (500, True),
        (503, True),
        (400, False),
        (401, False),
        (404, False),
    ],
)
def test_is_retryable(status, expected):
    assert is_retryable(status) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"Retry-After": "100000"}, MAX_RETRY_AFTER),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after(headers, expected):
    assert retry_after(headers) == expected


def test_retry_after_accepts_an_http_date_in_the_past_as_zero():
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0


def test_backoff_grows_is_capped_and_is_seeded():
    first = [Backoff(1.0, 4.0, seed=7).delay(n) for n in (1,)]
    delays = [Backoff(1.0, 4.0, seed=7).delay(n) for n in (1, 2, 3, 5)]
    assert delays[0] == first[0]
    assert 0.5 <= delays[0] < 1.0 and 1.0 <= delays[1] < 2.0 and 2.0 <= delays[2] < 4.0 and delays[3] < 4.0


def test_backoff_never_waits_less_than_the_server_asked():
    assert Backoff(0.01, 1.0).delay(1, asked=3.0) == 3.0


def test_limiter_cancelled_waiter_leaks_no_slot():
    limiter = AdaptiveLimiter(ceiling=1, start=1, tolerance=3.0)

    async def main():
        await limiter.acquire()
        waiting = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0)
        waiting.cancel()
        limiter.release()
        await asyncio.sleep(0)
        await asyncio.wait_for(limiter.acquire(), timeout=1)  # the slot is free again
        return limiter.in_flight

    assert asyncio.run(main()) == 1


def test_limiter_growth_admits_waiting_requests():
    limiter = AdaptiveLimiter(ceiling=4, start=1, tolerance=3.0)

    async def main():
        await limiter.acquire()
        waiting = [asyncio.ensure_future(limiter.acquire()) for _ in range(3)]
        await asyncio.sleep(0)
        limiter.on_success(limiter.epoch, 0.1, 10)  # a round of 1 success: the limit doubles to 2
        await asyncio.sleep(0)
        admitted = sum(task.done() for task in waiting)
        for task in waiting:
            task.cancel()
        return admitted

    assert asyncio.run(main()) == 1
