"""Plain gather with the semaphore and no clean-up: the error propagates, but the other
tasks run on unseen and the waiting ones keep starting after gather_throttled has raised.

Caught by: test_the_first_error_propagates_at_once_and_cancels_the_rest
Says: still running
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    slots = asyncio.Semaphore(limit)

    async def run_one(factory):
        async with slots:
            return await factory()

    return list(await asyncio.gather(*(run_one(f) for f in factories)))
