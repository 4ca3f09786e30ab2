"""Collects every outcome first and raises the first error only at the end: the caller
waits for coroutines that may never finish.

Caught by: test_the_first_error_propagates_at_once_and_cancels_the_rest
Says: still had not raised it
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    slots = asyncio.Semaphore(limit)

    async def run_one(factory):
        async with slots:
            return await factory()

    outcomes = await asyncio.gather(*(run_one(f) for f in factories), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return list(outcomes)
