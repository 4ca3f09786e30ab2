"""Plays ping-pong with two threads handing a turn back and forth with events: the
order is right, but greenlets are not threads.

Caught by: test_ping_and_pong_are_two_greenlets_in_the_callers_thread
Says: another OS thread
"""

import threading

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def ping_pong(rounds, record):
    ping_turn, pong_turn = threading.Event(), threading.Event()

    def play(name, mine, theirs):
        for n in range(1, rounds + 1):
            mine.wait(2)
            mine.clear()
            record(name, n)
            theirs.set()

    threads = [
        threading.Thread(target=play, args=("ping", ping_turn, pong_turn)),
        threading.Thread(target=play, args=("pong", pong_turn, ping_turn)),
    ]
    for thread in threads:
        thread.start()
    ping_turn.set()
    for thread in threads:
        thread.join(2)
    return rounds
