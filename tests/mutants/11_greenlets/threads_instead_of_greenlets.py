"""Runs each task in its own thread and passes a turn between them with a condition:
the order is right, but the tasks run in other OS threads, not in greenlets.

Caught by: test_round_robin_runs_everything_in_one_thread
Says: another OS thread
"""

import threading

from kata.runner import load_reference

load_reference("11_greenlets", globals())  # everything as in the reference solution, except:

_state = threading.local()


def pause():
    _state.hand_over()


def round_robin(tasks):
    turn = threading.Condition()
    live = list(range(len(tasks)))
    current = [live[0] if live else None]
    results = [None] * len(tasks)

    def next_after(index):
        later = [i for i in live if i > index]
        return (later or live or [None])[0]

    def run(index, task):
        def hand_over(finished=False):
            with turn:
                following = next_after(index)
                if finished:
                    live.remove(index)
                    following = next_after(index)
                current[0] = following
                turn.notify_all()
                if not finished:
                    turn.wait_for(lambda: current[0] == index, 2)

        _state.hand_over = hand_over
        with turn:
            turn.wait_for(lambda: current[0] == index, 2)
        results[index] = task()
        hand_over(finished=True)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(2)
    return results
