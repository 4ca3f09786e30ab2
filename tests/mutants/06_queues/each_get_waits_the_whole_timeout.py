"""Joins the producers and puts the STOPs within one deadline, but then gives every get
of the results the whole timeout again (results.get(timeout=timeout)) and never looks at
the deadline before a get: while results keep trickling in, each one a little faster than
the timeout, no get ever times out, and run_conveyor(..., timeout=1.5) runs for 3 s and
more.

Source: Python docs, multiprocessing.Queue.get ("If timeout is a positive number, it
blocks at most timeout seconds", per call), and
https://github.com/steamclock/bluejay/issues/241 (a timeout counted since the operation
started versus since the last data received: two different promises).
Caught by: test_run_conveyor_keeps_one_deadline_while_results_trickle_in
Says: restarts the clock with every result that arrives
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
    deadline = time.monotonic() + timeout
    items = multiprocessing.Queue(maxsize=4 * consumers)
    results = multiprocessing.Queue()
    bounds = [count * i // producers for i in range(producers + 1)]
    makers = [
        multiprocessing.Process(
            target=produce, args=(items, bounds[i], bounds[i + 1] - bounds[i], batch, timeout),
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
    try:
        for process in makers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                raise TimeoutError(f"{process.name} did not finish within {timeout} s")
        for _ in takers:
            try:
                items.put(STOP, timeout=max(0.0, deadline - time.monotonic()))
            except queue.Full:
                raise TimeoutError(f"the consumers took nothing for {timeout} s") from None
        received, stops = [], 0
        while stops < consumers:
            try:
                got = results.get(timeout=timeout)  # the whole timeout, again, for each get
            except queue.Empty:
                raise TimeoutError(f"no result for {timeout} s") from None
            if got is STOP:
                stops += 1
            else:
                received.extend(got)
        for process in takers:
            process.join(max(0.0, deadline - time.monotonic()))
        return received
    except BaseException:
        items.cancel_join_thread()
        for process in everyone:
            if process.is_alive():
                process.terminate()
        for process in everyone:
            process.join(5)
        raise
    finally:
        items.close()
        results.close()
