"""The parent waits for the results with a timeout, but catches queue.Empty and simply
asks again: when a consumer is stuck or dead, it loops for ever, its own timeout
notwithstanding.

Caught by: test_run_conveyor_gives_up_in_time_and_leaves_nothing_running
Says: a loop that never ends
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    items, results = multiprocessing.Queue(maxsize=4 * consumers), multiprocessing.Queue()
    bounds = [count * i // producers for i in range(producers + 1)]
    makers = [
        multiprocessing.Process(
            target=produce, args=(items, bounds[i], bounds[i + 1] - bounds[i], batch)
        )
        for i in range(producers)
    ]
    takers = [
        multiprocessing.Process(target=consume, args=(items, results)) for _ in range(consumers)
    ]
    for process in makers + takers:
        process.start()
    received, stops, stops_sent = [], 0, False
    while stops < consumers:
        if not stops_sent and not any(p.is_alive() for p in makers):
            for _ in takers:
                items.put(STOP)
            stops_sent = True
        try:
            got = results.get(timeout=0.1)
        except queue.Empty:
            continue  # "maybe next time"
        if got is STOP:
            stops += 1
        else:
            received.extend(got)
    for process in takers:
        process.join(timeout)
    return received
