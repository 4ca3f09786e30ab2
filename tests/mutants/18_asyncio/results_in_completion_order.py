"""Results collected as the coroutines finish (asyncio.as_completed), not in the order
of the factories.

Caught by: test_results_come_back_in_the_order_of_the_factories
Says: order of the factories
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    slots = asyncio.Semaphore(limit)

    async def run_one(factory):
        async with slots:
            return await factory()

    results = []
    for finished in asyncio.as_completed([run_one(factory) for factory in factories]):
        results.append(await finished)
    return results
