"""Runs all of ping's rounds, then all of pong's: two functions called one after the
other, no taking turns.

Caught by: test_ping_and_pong_take_turns
Says: should take turns
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def ping_pong(rounds, record):
    def play_ping():
        for n in range(1, rounds + 1):
            record("ping", n)

    def play_pong():
        for n in range(1, rounds + 1):
            record("pong", n)

    greenlet(play_ping).switch()
    greenlet(play_pong).switch()
    return rounds
