"""Gives each producer's join the whole timeout and only then looks at who is still
running: with three producers that cannot finish, run_conveyor(..., timeout=0.6) waits
0.6 s for each of them, 1.8 s in all, before it raises TimeoutError.

Source: Python docs, multiprocessing.Process.join ("If the optional argument timeout is a
positive number, it blocks at most timeout seconds", per call), and
https://github.com/justiniso/polling/issues/26 for the same family of slip: a timeout
that is not one deadline for the whole wait.
Caught by: test_run_conveyor_gives_up_in_time_and_leaves_nothing_running
Says: one deadline for all its waits
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:

_reference = run_conveyor


def run_conveyor(count, producers=2, consumers=2, batch=100, timeout=30.0):
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
            process.join(timeout)  # the whole timeout, again, for each producer
        if any(p.is_alive() for p in makers):
            raise TimeoutError(f"the producers did not finish within {timeout} s")
        deadline = time.monotonic() + timeout
        for _ in takers:
            items.put(STOP, timeout=max(0.0, deadline - time.monotonic()))
        received, stops = [], 0
        while stops < consumers:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no STOP in time")
            try:
                got = results.get(timeout=left)
            except queue.Empty:
                raise TimeoutError("no STOP in time") from None
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
