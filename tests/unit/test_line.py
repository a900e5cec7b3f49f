"""The line of requests in front of the worker: first come first served, a waiting request may give up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from phidesk.engine.line import Activity, Line, Turn

HANG_GUARD_S = 30  # only stops a hang


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert time.monotonic() < deadline, "hang"
        time.sleep(0.001)


def test_waiting_requests_run_in_the_order_they_came() -> None:
    line = Line()
    order: list[int] = []
    release = threading.Event()

    def first() -> None:
        with line.turn(Turn("first")):
            release.wait(HANG_GUARD_S)

    def request(n: int) -> None:
        with line.turn(Turn(str(n))) as running:
            assert running
            order.append(n)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    wait_until(lambda: line.activity.busy)
    for n in range(8):  # each joins the line only after the one before it has
        threads.append(threading.Thread(target=request, args=(n,)))
        threads[-1].start()
        wait_until(lambda n=n: line.activity.queued == n + 1)
    assert line.activity == Activity("first", tuple(str(n) for n in range(8)))
    release.set()
    for thread in threads:
        thread.join(HANG_GUARD_S)
    assert order == list(range(8))
    assert line.activity == Activity()


def test_a_waiting_request_that_gives_up_leaves_the_line_and_the_running_one_alone() -> None:
    line = Line()
    release = threading.Event()
    seen: list[bool] = []
    first, waiting, last = Turn("a"), Turn("b"), Turn("c")
    running_cancelled: list[str] = []

    def hold() -> None:
        with line.turn(first):
            line.while_running(first, lambda: running_cancelled.append("a"))
            release.wait(HANG_GUARD_S)

    def join(turn: Turn) -> None:
        with line.turn(turn) as running:
            seen.append(running)

    threads = [threading.Thread(target=hold), threading.Thread(target=join, args=(waiting,)),
               threading.Thread(target=join, args=(last,))]
    threads[0].start()
    wait_until(lambda: line.activity.busy)
    threads[1].start()
    wait_until(lambda: line.activity.queued == 1)
    threads[2].start()
    wait_until(lambda: line.activity.queued == 2)
    waiting.cancel()
    threads[1].join(HANG_GUARD_S)
    assert seen == [False]  # it gave up at once, while "a" still runs
    assert waiting.state == "cancelled"
    assert line.activity == Activity("a", ("c",))
    assert running_cancelled == []  # the running one was not touched
    release.set()
    threads[0].join(HANG_GUARD_S)
    threads[2].join(HANG_GUARD_S)
    assert seen == [False, True]


def test_cancel_before_the_start_and_while_running() -> None:
    line = Line()
    early = Turn()
    early.cancel()
    with line.turn(early) as running:
        assert not running
    assert line.activity == Activity()
    now = Turn("x")
    stopped: list[bool] = []
    with line.turn(now) as running:
        assert running
        assert not line.while_running(now, lambda: stopped.append(True))
        now.cancel()  # while it runs: what the client set up (stop this answer) happens
        assert stopped == [True]
    late = Turn()
    with line.turn(late):
        late.cancel()  # asked before the client set up what cancelling does: it is told so
        assert line.while_running(late, lambda: None)


def test_a_turn_is_not_tied_to_a_thread_and_changes_are_reported() -> None:
    """A server's thread pool advances one request's iterator from several threads: the thread that entered a turn
    may then start another request, which waits (it is another request), while another thread ends the first."""
    line = Line()
    changes: list[Activity] = []
    line.on_change = changes.append
    first = line.turn(Turn("a"))
    assert first.__enter__()

    def end_first() -> None:
        wait_until(lambda: line.activity.queued == 1)
        first.__exit__(None, None, None)

    ender = threading.Thread(target=end_first)
    ender.start()
    with line.turn(Turn("b")) as running:  # the same thread: it waits for "a" all the same
        assert running
        assert changes[-2:] == [Activity(None, ("b",)), Activity("b")]
    ender.join(HANG_GUARD_S)
    assert changes == [Activity(None, ("a",)), Activity("a"), Activity("a", ("b",)), Activity(None, ("b",)),
                       Activity("b"), Activity()]


def test_a_caller_that_asks_again_at_once_goes_behind_the_one_that_waits() -> None:
    """What a plain lock gets wrong: the thread that releases it and asks again at once usually gets it back (the
    waiting thread has not woken yet), so a window sending answer after answer would starve the server."""
    line = Line()
    order: list[str] = []
    first_started = threading.Event()
    other_waits = threading.Event()

    def eager() -> None:
        for n in range(3):
            with line.turn(Turn("eager")):
                order.append(f"eager{n}")
                first_started.set()
                other_waits.wait(HANG_GUARD_S)

    def patient() -> None:
        with line.turn(Turn("patient")):
            order.append("patient")

    threads = [threading.Thread(target=eager), threading.Thread(target=patient)]
    threads[0].start()
    first_started.wait(HANG_GUARD_S)
    threads[1].start()
    wait_until(lambda: line.activity.queued == 1)
    other_waits.set()
    for thread in threads:
        thread.join(HANG_GUARD_S)
    assert order == ["eager0", "patient", "eager1", "eager2"]


def test_a_turn_with_a_bound_is_refused_when_that_many_wait() -> None:
    line = Line()
    release = threading.Event()

    def hold(turn: Turn) -> None:
        with line.turn(turn):
            release.wait(HANG_GUARD_S)

    alone = Turn("alone", max_waiting=0)
    with line.turn(alone) as running:  # nothing runs, nothing waits: it runs, whatever its bound
        assert running
    threads = [threading.Thread(target=hold, args=(Turn(str(n)),)) for n in range(3)]
    threads[0].start()
    wait_until(lambda: line.activity.busy)
    for n, thread in enumerate(threads[1:], start=1):
        thread.start()
        wait_until(lambda n=n: line.activity.queued == n)
    refused = Turn("late", max_waiting=2)
    with line.turn(refused) as running:
        assert not running
    assert refused.state == "refused"
    assert line.activity.queued == 2  # it never joined
    release.set()
    for thread in threads:
        thread.join(HANG_GUARD_S)


def test_a_cancel_racing_the_join_never_leaves_a_dead_turn_in_the_line() -> None:
    line = Line()
    release = threading.Event()

    def hold() -> None:
        with line.turn(Turn("holder")):
            release.wait(HANG_GUARD_S)

    holder = threading.Thread(target=hold)
    holder.start()
    wait_until(lambda: line.activity.busy)
    for _ in range(300):
        turn = Turn("racer")
        outcome: list[bool] = []

        def join(turn: Turn = turn, outcome: list[bool] = outcome) -> None:
            with line.turn(turn) as running:
                outcome.append(running)

        joiner = threading.Thread(target=join)
        joiner.start()
        turn.cancel()
        joiner.join(HANG_GUARD_S)
        assert outcome == [False]
        assert line.activity == Activity("holder")  # nothing left behind in the line
    release.set()
    holder.join(HANG_GUARD_S)
    with line.turn(Turn()) as running:
        assert running
