"""The pacer holds a steady rate; the adaptive controller slows on sustained 429s only."""

import itertools

import pytest

from console.batch.pacing import AdaptiveRate, Pacer


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_slots_are_spaced_at_the_rate_from_a_fixed_grid():
    clock = Clock()
    pacer = Pacer(200, clock=clock)
    waits = [pacer.reserve() for _ in range(5)]
    assert waits == pytest.approx([0.0, 0.005, 0.010, 0.015, 0.020])
    # A late wake-up does not push later slots back: the grid is kept.
    clock.t += 0.022
    assert pacer.reserve() == pytest.approx(0.003)


def test_an_idle_spell_does_not_turn_into_a_burst():
    clock = Clock()
    pacer = Pacer(10, clock=clock)  # 100 ms apart
    pacer.reserve()
    clock.t += 60.0
    assert pacer.reserve() == 0.0
    assert pacer.reserve() == pytest.approx(0.1)


def test_a_slightly_late_request_is_caught_up_on_the_grid():
    clock = Clock()
    pacer = Pacer(100, clock=clock)  # 10 ms apart, 20 ms tolerance
    pacer.reserve()
    clock.t += 0.025  # woke 15 ms after its slot
    assert pacer.reserve() == 0.0  # slot at +10 ms, already past
    assert pacer.reserve() == 0.0  # slot at +20 ms, also past
    assert pacer.reserve() == pytest.approx(0.005)  # back on the grid at +30 ms


def test_long_run_rate_never_exceeds_the_target():
    clock = Clock()
    pacer = Pacer(200, clock=clock)
    start = clock.t
    for _ in range(1000):
        clock.t += pacer.reserve()
    assert 999 / (clock.t - start) == pytest.approx(200.0)


def test_pause_until_holds_every_request():
    clock = Clock()
    pacer = Pacer(None, clock=clock)
    assert pacer.reserve() == 0.0
    pacer.pause_until(clock.t + 5)
    assert pacer.reserve() == pytest.approx(5.0)


def feed(adaptive, clock, answers, limited, seconds=0.5):
    step = seconds / answers + 1e-9  # the last answer closes the window
    for i in range(answers):
        clock.t += step
        adaptive.observe(429 if i < limited else 200, 1.0 if i < limited else None)


def test_a_scattering_of_429s_does_not_slow_the_run():
    clock = Clock()
    adaptive = AdaptiveRate(Pacer(200, clock=clock), 200, clock=clock)
    for _ in range(10):
        feed(adaptive, clock, 100, 10)  # 10% refused
    assert adaptive.current == 200 and adaptive.cuts == 0


def test_sustained_429s_cut_the_rate_then_it_recovers_in_steps():
    clock = Clock()
    changes = []
    adaptive = AdaptiveRate(Pacer(200, clock=clock), 200, clock=clock, on_change=changes.append)
    feed(adaptive, clock, 100, 75)  # three quarters refused: the server's limit is ~50/s
    assert adaptive.current == pytest.approx(100.0)  # at most halved per window
    assert "75% of answers were 429" in changes[-1].reason
    feed(adaptive, clock, 50, 25)
    assert adaptive.current == pytest.approx(50.0)
    rates = []
    for _ in range(40):
        feed(adaptive, clock, 30, 0)
        rates.append(adaptive.current)
    assert rates[0] == 50.0  # cooling down first
    increases = [b - a for a, b in itertools.pairwise(rates) if b != a]
    assert increases and max(increases) <= 0.05 * 200 + 1e-9  # gradual
    assert rates[-1] == 200  # and all the way back


def test_unlimited_runs_are_cut_from_the_observed_rate():
    clock = Clock()
    adaptive = AdaptiveRate(Pacer(None, clock=clock), None, clock=clock)
    feed(adaptive, clock, 500, 400)  # 1000 answers/s, 80% refused
    assert adaptive.current == pytest.approx(500.0)  # halved at most per window
    for _ in range(200):
        feed(adaptive, clock, 30, 0)
    assert adaptive.current is None  # back to no limit


def test_everything_refused_pauses_for_retry_after():
    clock = Clock()
    pacer = Pacer(100, clock=clock)
    adaptive = AdaptiveRate(pacer, 100, clock=clock)
    feed(adaptive, clock, 20, 20)
    assert pacer.paused_for == pytest.approx(1.0)
