"""Calls every factory up front and throttles only the awaiting: all the work is made at
once, although only `limit` coroutines run.

Caught by: test_a_factory_is_called_only_when_a_slot_is_free
Says: factories had been called
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    slots = asyncio.Semaphore(limit)

    async def run_one(coroutine):
        async with slots:
            return await coroutine

    coroutines = [factory() for factory in factories]  # all made now, whatever the limit
    return list(await asyncio.gather(*(run_one(c) for c in coroutines)))
