"""pong switches back to ping before it records: the turns interleave in the wrong
order (ping 1, ping 2, pong 1, ...).

Caught by: test_ping_and_pong_take_turns
Says: should take turns
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def ping_pong(rounds, record):
    def play_ping():
        for n in range(1, rounds + 1):
            record("ping", n)
            pong.switch(n)
        return rounds

    def play_pong(n):
        while True:
            previous = n
            n = ping.switch()
            record("pong", previous)

    ping = greenlet(play_ping)
    pong = greenlet(play_pong)
    return ping.switch()
