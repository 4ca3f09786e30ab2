"""Another right design: the parent reads results from the first moment, while a helper
thread of its own waits for the producers and then puts one STOP per consumer; the
parent reads until one STOP per consumer has arrived (short gets, one deadline), then
joins the consumers. Consumers loop with ``for batch in iter(items.get, STOP)``.
"""

import threading

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def consume(items, results):
    for batch in iter(items.get, STOP):
        results.put(batch)
    results.put(STOP)


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    deadline = time.monotonic() + timeout
    items = multiprocessing.Queue(maxsize=4 * consumers)
    results = multiprocessing.Queue()
    bounds = [count * i // producers for i in range(producers + 1)]
    makers = [
        multiprocessing.Process(
            target=produce,
            args=(items, bounds[i], bounds[i + 1] - bounds[i], batch, timeout),
            name=f"producer-{i}",
        )
        for i in range(producers)
    ]
    takers = [
        multiprocessing.Process(target=consume, args=(items, results), name=f"consumer-{i}")
        for i in range(consumers)
    ]
    everyone = makers + takers
    for process in everyone:
        process.start()
    problem = []

    def stopper():
        # Once every producer has ended, one STOP per consumer.
        for process in makers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                problem.append(f"{process.name} did not finish within {timeout} s")
                return
        for _ in takers:
            try:
                items.put(STOP, timeout=max(0.0, deadline - time.monotonic()))
            except queue.Full:
                problem.append(f"the consumers took nothing for {timeout} s")
                return

    helper = threading.Thread(target=stopper, name="stopper", daemon=True)
    helper.start()
    try:
        received = []
        stops = 0
        while stops < consumers:
            if problem:
                raise TimeoutError(problem[0])
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{consumers - stops} consumers sent no STOP within {timeout} s")
            try:
                got = results.get(timeout=min(left, 0.1))
            except queue.Empty:
                continue
            if got is STOP:
                stops += 1
            else:
                received.extend(got)
        helper.join(max(0.0, deadline - time.monotonic()))
        if problem:
            raise TimeoutError(problem[0])
        for process in takers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not end within {timeout} s")
        return received
    except BaseException:
        items.cancel_join_thread()
        for process in everyone:
            if process.is_alive():
                process.terminate()
        for process in everyone:
            process.join(5)
        helper.join(5)
        raise
    finally:
        items.close()
        results.close()
