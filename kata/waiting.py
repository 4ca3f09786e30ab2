"""Helpers for tests that must not wait on a learner's code for longer than a moment.

Both run the learner's code in helper threads and join them with a deadline, so a
deadlock fails the test at once, naming where each thread is stuck, instead of waiting
out the test's whole time limit.
"""

from __future__ import annotations

import threading

import pytest

from kata import guard, messages, timeouts, timing


def run_together(
    count: int, fn, *, seconds: float = timing.SOON, expect=(), explain: str = "", name: str = "worker"
) -> list:
    """Start `count` threads that wait at one barrier, then each call fn(index).

    Returns, in index order, what each call returned, or the exception it raised if that
    is an instance of `expect`. Any other exception is raised here (so a stub's
    NotImplementedError reaches the test). A thread still running after `seconds` fails
    the test at once with where it is stuck and `explain`.
    """
    barrier = threading.Barrier(count, timeout=seconds)
    results: list[object] = [None] * count
    unexpected: list[BaseException] = []

    def work(index: int) -> None:
        barrier.wait()
        try:
            results[index] = fn(index)
        except expect as exc:
            results[index] = exc
        except BaseException as exc:  # handed to the test's thread below
            unexpected.append(exc)

    threads = [
        threading.Thread(target=work, args=(i,), name=f"{name}-{i}" if count > 1 else name, daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    timeouts.join_within(threads, seconds)
    stuck = [t for t in threads if t.is_alive()]
    if stuck:
        for thread in stuck:
            guard.excuse(thread)  # reported here; the leak check need not repeat it
        headline = (
            f"{len(stuck)} of {count} threads did not finish within {seconds:g} s: they are "
            "stuck. Where:"
        )
        pytest.fail(messages.stuck_report(headline, stuck, explain), pytrace=False)
    if unexpected:
        raise unexpected[0]
    return results


def finishes_within(seconds: float, fn, *args, explain: str = "", **kwargs):
    """Call fn(*args, **kwargs) in a helper thread and return what it returns.

    Its exception is raised here. If it is still running after `seconds`, the test fails
    at once with where the call is stuck and `explain`.
    """
    name = f"calling {getattr(fn, '__qualname__', repr(fn))}"
    [value] = run_together(
        1, lambda _: fn(*args, **kwargs), seconds=seconds, explain=explain, name=name
    )
    return value


class Call:
    """fn(*args, **kwargs) in a daemon thread, so the test can watch while it runs.

    Keeps what it returned (``value``) or raised (``error``). ``changed``, if given, is a
    Condition notified when the call ends, for tests that wait on it together with other
    things. ``finish(seconds, what)`` joins it and hands its result to the test.
    """

    def __init__(self, fn, *args, name: str = "caller", changed: threading.Condition | None = None, **kwargs):
        self.value = self.error = None
        self.done = False
        self._changed = changed
        self.thread = threading.Thread(target=self._run, args=(fn, args, kwargs), name=name, daemon=True)
        self.thread.start()

    def _run(self, fn, args, kwargs):
        try:
            self.value = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the test's thread by finish()
            self.error = exc
        finally:
            self.done = True
            if self._changed is not None:
                with self._changed:
                    self._changed.notify_all()

    def finish(self, seconds: float, what: str, explain: str = ""):
        """Join the call; return its value or raise its exception. If it still runs after
        ``seconds``, fail the test at once with where it is stuck."""
        timeouts.join_within([self.thread], seconds)
        if self.thread.is_alive():
            guard.excuse(self.thread)
            pytest.fail(
                messages.stuck_report(f"{what} has not returned after {seconds:g} s:", [self.thread], explain),
                pytrace=False,
            )
        if self.error is not None:
            raise self.error
        return self.value
