"""asyncio.gather(..., return_exceptions=True): an error comes back as a result, and only
once every other coroutine has finished; the caller never sees it raised.

Caught by: test_the_first_error_propagates_at_once_and_cancels_the_rest
Says: return_exceptions=True
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    slots = asyncio.Semaphore(limit)

    async def run_one(factory):
        async with slots:
            return await factory()

    return list(await asyncio.gather(*(run_one(f) for f in factories), return_exceptions=True))
