"""Another right design for gather_throttled: an asyncio.TaskGroup (3.11+) whose tasks
each hold one shared Semaphore while they run. The group cancels the others when one
fails and raises an ExceptionGroup; the first error inside it is raised on its own.
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

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(run_one(factory)) for factory in factories]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None  # the first to fail; the rest were cancelled
    return [task.result() for task in tasks]
