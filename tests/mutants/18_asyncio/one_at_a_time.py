"""Awaits each coroutine in turn: never more than one at once, so the limit is never used.

Caught by: test_never_more_than_limit_at_once_and_the_limit_is_reached
Says: never ran more than 1 at once
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    return [await factory() for factory in factories]
