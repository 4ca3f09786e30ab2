"""round_robin runs each task in a wrapper that stores the task's return value and then
switches a DONE marker to the scheduler, instead of returning: the results are right,
but every task greenlet is left suspended in that switch when round_robin returns, to
be ended later by GreenletExit when it is garbage-collected.

Source: https://greenlet.readthedocs.io/en/latest/greenlet_gc.html (greenlet docs,
"Garbage Collection and greenlets": a greenlet that is never switched back to is
ended by GreenletExit raised inside it only when its last reference goes)
Caught by: test_round_robin_returns_once_every_task_greenlet_has_finished
Says: were still suspended, not finished
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:

_DONE = object()


def round_robin(tasks):
    results = [None] * len(tasks)

    def wrap(index, task):
        def run():
            results[index] = task()
            getcurrent().parent.switch(_DONE)  # "I am done": but this greenlet never ends

        return run

    ready = deque(greenlet(wrap(i, task)) for i, task in enumerate(tasks))
    while ready:
        task = ready.popleft()
        if task.switch() is not _DONE:
            ready.append(task)
    return results
