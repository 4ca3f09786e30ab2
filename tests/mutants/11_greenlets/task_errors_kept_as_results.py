"""round_robin catches a task's exception and keeps it as that task's result (as
gevent's Greenlet keeps it in its `exception` attribute), then carries on with the
other tasks: the caller gets a list, and the failure goes unnoticed.

Source: https://www.gevent.org/api/gevent.greenlet.html (gevent.Greenlet: "exception:
Holds the exception instance raised by the function if the greenlet has finished with
an error"; a plain greenlet's uncaught exception is raised in its parent instead:
https://greenlet.readthedocs.io/en/latest/greenlet.html#parents)
Caught by: test_a_task_that_raises_stops_round_robin_with_its_exception
Says: hides the failure from the caller
"""

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:


def round_robin(tasks):
    def guarded(task):
        def run():
            try:
                return task()
            except Exception as exc:
                return exc

        return run

    results = [None] * len(tasks)
    ready = deque((index, greenlet(guarded(task))) for index, task in enumerate(tasks))
    while ready:
        index, task = ready.popleft()
        value = task.switch()
        if task.dead:
            results[index] = value
        else:
            ready.append((index, task))
    return results
