"""Does not check the limit: with limit=0 the Semaphore(0) lets nobody in and the call
waits for ever.

Caught by: test_results_come_back_in_the_order_of_the_factories
Says: raise ValueError
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    slots = asyncio.Semaphore(limit)

    async def run_one(factory):
        async with slots:
            return await factory()

    tasks = [asyncio.ensure_future(run_one(factory)) for factory in factories]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
