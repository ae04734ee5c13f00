"""The pacer that spaces reminder traffic under Discord's global limit, on a clock the test controls."""

import asyncio
import itertools

import pytest

from bot.scheduling.pacing import Pacer, PacerClosed

RATE = 48.0
INTERVAL = 1 / RATE


class VirtualTime:
    """A monotonic clock that only moves when the pacer sleeps; each sleep may overshoot, as a busy loop's does."""

    def __init__(self, overshoot: float = 0.0) -> None:
        self.now = 0.0
        self.overshoot = overshoot
        self.stall_next: float = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.overshoot + self.stall_next
        self.stall_next = 0.0
        await asyncio.sleep(0)


def most_in_any_second(times: list[float]) -> int:
    """The most grants in any window one second long (Discord's global limit counts this way)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def grant_times(pacer: Pacer, time: VirtualTime, count: int, cost: int = 1) -> list[float]:
    granted: list[float] = []

    async def one() -> None:
        await pacer.turn(cost)
        granted.append(time.now)

    await asyncio.gather(*(one() for _ in range(count)))
    return granted


async def test_turns_are_spaced_and_sleep_overshoot_does_not_add_up() -> None:
    """1,000 requests at once: one every 1/48 s, never more than 48 in a second, done in 999 intervals."""
    time = VirtualTime(overshoot=0.003)
    pacer = Pacer(RATE, 10, clock=time.clock, sleep=time.sleep)
    granted = await grant_times(pacer, time, 1000)
    gaps = [b - a for a, b in itertools.pairwise(granted)]
    assert min(gaps) >= INTERVAL * 0.75
    assert most_in_any_second(granted) <= RATE
    # Overshoot is absorbed turn by turn; only the one-second window, checked against when turns really started,
    # carries one overshoot per 48 turns (1,000 overshoots would add 3 s).
    assert 999 * INTERVAL <= granted[-1] <= 999 * INTERVAL + (1000 / RATE + 1) * 0.003
    assert pacer.granted == 1000


async def test_a_stalled_loop_cannot_release_a_burst() -> None:
    """After the loop stalls for two seconds, turns resume at the same spacing, not all at once."""
    time = VirtualTime()
    pacer = Pacer(RATE, 10, clock=time.clock, sleep=time.sleep)
    first = await grant_times(pacer, time, 10)
    time.stall_next = 2.0
    after = await grant_times(pacer, time, 100)
    gaps = [b - a for a, b in itertools.pairwise(after)]
    assert after[0] - first[-1] >= 2.0
    assert min(gaps) >= INTERVAL * 0.75
    assert most_in_any_second(first + after) <= RATE


@pytest.mark.parametrize("late_turn", [1, 2, 47])
async def test_a_late_wake_is_caught_up_without_a_49th_start_in_a_second(late_turn: int) -> None:
    """One turn granted a quarter interval late: the next are counted from when it was due, within the limit."""
    time = VirtualTime()
    pacer = Pacer(RATE, 10, clock=time.clock, sleep=time.sleep)
    granted: list[float] = []
    for index in range(200):
        if index == late_turn:
            time.stall_next = INTERVAL / 4
        await pacer.turn()
        granted.append(time.now)
    assert most_in_any_second(granted) <= RATE
    assert granted[-1] < 200 * INTERVAL


async def test_a_costly_turn_counts_every_request_in_the_second() -> None:
    """Turns of two requests (a DM) count twice: never more than 48 requests start in any second."""
    time = VirtualTime(overshoot=0.002)
    pacer = Pacer(RATE, 10, clock=time.clock, sleep=time.sleep)
    starts: list[float] = []
    for index in range(150):
        cost = 2 if index % 3 else 1
        await pacer.turn(cost)
        starts += [time.now] * cost
    assert most_in_any_second(starts) <= RATE


async def test_cost_holds_the_next_turn_back_by_that_many_intervals() -> None:
    """A DM is two requests: the turn after it comes two intervals later."""
    time = VirtualTime()
    pacer = Pacer(RATE, 10, clock=time.clock, sleep=time.sleep)
    await pacer.turn(2)
    await pacer.turn(1)
    await pacer.turn(1)
    assert time.now == pytest.approx(3 * INTERVAL)


async def test_at_most_in_flight_requests_are_outstanding() -> None:
    """With Discord slow to answer, no more than ``in_flight`` requests are open at once, and all finish."""
    time = VirtualTime()
    pacer = Pacer(1000.0, 3, clock=time.clock, sleep=time.sleep)
    open_now = most = done = 0
    release = asyncio.Event()

    async def request() -> None:
        nonlocal open_now, most, done
        async with pacer.slot():
            open_now += 1
            most = max(most, open_now)
            await release.wait()
            open_now -= 1
            done += 1

    tasks = [asyncio.create_task(request()) for _ in range(20)]
    for _ in range(50):
        await asyncio.sleep(0)
    assert open_now == 3
    release.set()
    await asyncio.gather(*tasks)
    assert (most, done) == (3, 20)


async def test_closing_refuses_waiting_turns_and_lets_open_requests_finish() -> None:
    """On stop, requests under way complete; those still waiting for a turn raise PacerClosed."""
    time = VirtualTime()
    pacer = Pacer(RATE, 2, clock=time.clock, sleep=time.sleep)
    release = asyncio.Event()
    finished: list[int] = []

    async def request(n: int) -> None:
        async with pacer.slot():
            await release.wait()
            finished.append(n)

    tasks = [asyncio.create_task(request(n)) for n in range(6)]
    for _ in range(50):
        await asyncio.sleep(0)
    pacer.close()
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(finished) == [0, 1]
    assert [type(r) for r in results[2:]] == [PacerClosed] * 4
    with pytest.raises(PacerClosed):
        await pacer.turn()


@pytest.mark.parametrize(("per_second", "in_flight"), [(0, 1), (-5, 1), (48, 0)])
def test_a_pacer_needs_a_rate_and_room(per_second: float, in_flight: int) -> None:
    with pytest.raises(ValueError, match="positive rate"):
        Pacer(per_second, in_flight)
