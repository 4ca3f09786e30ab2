"""The caller plays ping itself instead of starting a ping greenlet: the order is
right, but ping's records come from the caller's greenlet.

Caught by: test_ping_and_pong_are_two_greenlets_in_the_callers_thread
Says: caller's own greenlet
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def ping_pong(rounds, record):
    def play_pong(n):
        while True:
            record("pong", n)
            n = getcurrent().parent.switch()

    pong = greenlet(play_pong)
    for n in range(1, rounds + 1):
        record("ping", n)
        pong.switch(n)
    return rounds
