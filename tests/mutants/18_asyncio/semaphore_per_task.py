"""A semaphore created inside each task: every task has its own, so nobody ever waits.

Caught by: test_never_more_than_limit_at_once_and_the_limit_is_reached
Says: ONE asyncio.Semaphore
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    async def run_one(factory):
        async with asyncio.Semaphore(limit):  # a new semaphore per task guards nothing
            return await factory()

    return list(await asyncio.gather(*(run_one(factory) for factory in factories)))
