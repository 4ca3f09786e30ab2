"""No throttle at all: every factory is called and every coroutine runs at once.

Caught by: test_never_more_than_limit_at_once_and_the_limit_is_reached, test_a_factory_is_called_only_when_a_slot_is_free
Says: coroutines at once
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    return list(await asyncio.gather(*(factory() for factory in factories)))
