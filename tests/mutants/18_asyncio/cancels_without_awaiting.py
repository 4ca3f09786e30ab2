"""Cancels the other tasks when one fails, but raises at once without awaiting them:
task.cancel() only asks, and each task finishes on a later turn of the loop. When the
caller gets the exception, the cancelled coroutines are still running (their finally
blocks have not run) and the tasks are still pending.

Source: https://github.com/facebookresearch/spdl/pull/906 ("Cancelled tasks need to be
awaited. This is so easy to miss..."), and the Python docs, asyncio.Task.cancel(): "This
arranges for a CancelledError exception to be thrown into the wrapped coroutine on the
next cycle of the event loop."
Caught by: test_the_first_error_propagates_at_once_and_cancels_the_rest
Says: task.cancel() only asks
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    slots = asyncio.Semaphore(limit)

    async def run_one(factory):
        async with slots:
            return await factory()

    tasks = [asyncio.ensure_future(run_one(factory)) for factory in factories]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()  # "cancelled: done"
