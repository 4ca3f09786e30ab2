"""Runs the coroutines in an asyncio.TaskGroup and lets its error out as it comes: a
TaskGroup wraps every failure in an ExceptionGroup, so the caller who catches the
coroutine's own exception (here Boom) never sees it.

Source: Python docs, asyncio.TaskGroup: "The first time any of the tasks belonging to the
group fails with an exception other than asyncio.CancelledError, the remaining tasks in
the group are cancelled. ... Once all tasks have finished, if any tasks have failed with
an exception other than asyncio.CancelledError, those exceptions are combined in an
ExceptionGroup or BaseExceptionGroup"
(https://docs.python.org/3/library/asyncio-task.html#task-groups)
Caught by: test_the_first_error_propagates_at_once_and_cancels_the_rest
Says: an exception group
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

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(run_one(factory)) for factory in factories]
    return [task.result() for task in tasks]
