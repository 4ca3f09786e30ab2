"""Starts ping with switch() but drops what that switch returns: ping's return value,
which reaches the parent through it, is lost.

Caught by: test_ping_and_pong_take_turns
Says: returned None
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:

_reference_ping_pong = ping_pong


def ping_pong(rounds, record):
    _reference_ping_pong(rounds, record)
