"""The GIL, measured: who speeds up CPU-bound and I/O-bound work, threads or processes.

Runs the reference solution of 12_gil (``run_cpu_bound``: a process pool;
``run_io_bound``: threads) on three kinds of work, each against a plain loop:

- CPU-bound: pure-Python arithmetic, about 1 s of it in all (``--quick``: 0.1 s), split
  into 2 tasks per CPU. Sequential, then in threads, then in processes.
- I/O-bound: tasks that only wait (time.sleep stands for a network reply), 1 s of waits in
  all. Sequential, then in threads, then in processes.
- Tiny: tasks that do nothing. What a runner costs by itself: starting processes and
  pickling tasks and results, against starting threads.

Every runner runs once per repeat, interleaved, so a burst of load hits them alike; the
table shows each runner's speed-up over the sequential run of the same repeat, as the
median and the range over the repeats. Ratios hold on a busy machine; absolute times do
not. Run from the repository root:

    python -m benchmarks.gil [--quick] [--repeat 5] [--json PATH] [--start-method spawn]
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# The reference solution's functions, loaded by main(). Not at import: under spawn and
# forkserver each worker process imports this module, and should not load more than the
# task classes below (start-up is part of what is measured; the harness is not).
reference: dict = {"__name__": "gil_reference"}


def load_reference() -> str:
    """Load the reference solution; in a student's copy (no solutions/), the exercise."""
    return load_exercise("12_gil", reference)


def load_exercise(exercise_id: str, namespace: dict) -> str:
    """Run an exercise's reference solution in `namespace`; in a student's copy (no
    solutions/), the learner's module. Returns where the code came from, for the output.
    (Shared with ``python -m benchmarks``, which loads the echo servers so.)"""
    from kata import manifest, runner

    try:
        runner.load_reference(exercise_id, namespace)
        return "the reference solution"
    except FileNotFoundError:
        exercise = next(e for e in manifest.exercises() if e.id == exercise_id)
        exec(compile(exercise.stub.read_text(encoding="utf-8"), str(exercise.stub), "exec"), namespace)
        return f"your {exercise.stub.relative_to(manifest.REPO_ROOT)}"


def run_cpu_bound(tasks, workers):
    return reference["run_cpu_bound"](tasks, workers)


def run_io_bound(tasks, max_threads):
    return reference["run_io_bound"](tasks, max_threads)


# The tasks: module-level classes, so they pickle to worker processes by name.
class Crunch:
    """CPU-bound: pure-Python arithmetic, holding the GIL all the way."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self) -> int:
        total = 0
        for i in range(self.size):
            total = (total + i * i) % 1_000_003
        return total


class Wait:
    """I/O-bound: waits, as for a reply from the network; the GIL is let go meanwhile."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self) -> float:
        time.sleep(self.seconds)
        return self.seconds


class Nothing:
    """No work at all: whatever time a runner takes is its own cost."""

    def __call__(self) -> None:
        return None


def sequential(tasks, _workers):
    return [task() for task in tasks]


def threads(tasks, workers):
    return run_io_bound(tasks, max_threads=workers)


def processes(tasks, workers):
    return run_cpu_bound(tasks, workers)


RUNNERS = {"sequential": sequential, "threads": threads, "processes": processes}


def crunch_size_for(seconds: float) -> int:
    """How big a Crunch takes about `seconds` here (measured, then scaled).

    The fastest of three timings: on a busy machine a single one may catch a moment when
    other work had the core, and make every task several times too small.
    """
    size = 10_000
    while True:
        took = min(timed_crunch(size) for _ in range(3))
        if took > 0.02:
            return max(1, int(size * seconds / took))
        size *= 4


def timed_crunch(size: int) -> float:
    started = time.perf_counter()
    Crunch(size)()
    return time.perf_counter() - started


def measure(kinds: dict, workers: dict, repeat: int, runners: dict | None = None) -> dict:
    """{kind: {runner: [seconds per repeat]}}, each repeat running every row once.

    `runners` (default RUNNERS): name -> run(tasks, workers). ``python -m benchmarks``
    adds greenlets and asyncio to the I/O-bound row through it.
    """
    runners = runners or RUNNERS
    times = {kind: {name: [] for name in runners} for kind in kinds}
    for _ in range(repeat):
        for kind, tasks in kinds.items():
            for name, run in runners.items():
                started = time.perf_counter()
                run(tasks, workers[kind])
                times[kind][name].append(time.perf_counter() - started)
    return times


def workload(total: float) -> tuple[dict, dict, dict]:
    """The three kinds of work, `total` seconds of it each when done sequentially:
    (tasks by kind, workers by kind, facts for the titles)."""
    cpus = os.cpu_count() or 1
    count = max(4, 2 * cpus)
    cpu_tasks = [Crunch(crunch_size_for(total / count))] * count
    waits = 20
    io_tasks = [Wait(total / waits)] * waits
    tiny = [Nothing()] * count
    kinds = {"cpu": cpu_tasks, "io": io_tasks, "tiny": tiny}
    workers = {"cpu": cpus, "io": waits, "tiny": cpus}
    return kinds, workers, {"cpus": cpus, "count": count, "waits": waits, "total": total}


def ratios(base: list, seconds: list) -> list:
    """Speed-up of each repeat over the sequential run of the same repeat."""
    return [b / s for b, s in zip(base, seconds)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the work: a smoke test")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON to PATH")
    parser.add_argument("--start-method", choices=("fork", "forkserver", "spawn"))
    args = parser.parse_args()
    source = load_reference()
    if args.start_method:
        multiprocessing.set_start_method(args.start_method, force=True)

    total = 0.1 if args.quick else 1.0  # seconds of work in all, done sequentially
    kinds, workers, facts = workload(total)
    cpus, count, waits = facts["cpus"], facts["count"], facts["waits"]
    times = measure(kinds, workers, args.repeat)

    gil = reference["gil_enabled"]()
    version = f"{platform.python_implementation()} {platform.python_version()}"
    method = multiprocessing.get_start_method()
    print(
        f"{version}, GIL {'on' if gil else 'OFF (free-threaded build)'}, os.cpu_count() = "
        f"{cpus}, start method {method}, {args.repeat} repeats"
        f"{', --quick' if args.quick else ''}; runners from {source}"
    )
    if not gil:
        print("The GIL is off: here threads can run CPU-bound Python on several cores at once.")
    titles = {
        "cpu": f"CPU-bound: {count} tasks of pure-Python arithmetic, {cpus} workers",
        "io": f"I/O-bound: {waits} tasks that each wait {1000 * total / waits:.0f} ms, {waits} workers",
        "tiny": f"Tiny: {count} tasks that do nothing, {cpus} workers (the runner's own cost)",
    }
    report = {
        "python": version, "gil_enabled": gil, "cpu_count": cpus, "start_method": method,
        "repeat": args.repeat, "quick": args.quick, "machine": platform.machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "kinds": {},
    }  # fmt: skip
    labels = {"sequential": "sequential (one thread)", "threads": "threads (run_io_bound)",
              "processes": "processes (run_cpu_bound)"}  # fmt: skip
    for kind in ("cpu", "io"):
        rows = times[kind]
        base = rows["sequential"]
        print(f"\n{titles[kind]}; sequential: {1000 * statistics.median(base):.0f} ms (median)")
        print(f"  {'runner':<28}{'speed-up':>10}   range over repeats")
        report["kinds"][kind] = {"title": titles[kind], "seconds": rows, "speedup": {}}
        for name, seconds in rows.items():
            gains = ratios(base, seconds)
            median = statistics.median(gains)
            report["kinds"][kind]["speedup"][name] = {"median": median, "min": min(gains), "max": max(gains)}
            spread = f"{min(gains):.2f}x - {max(gains):.2f}x"
            note = f"  (at best {cpus}x on {cpus} CPUs)" if kind == "cpu" and name == "processes" else ""
            print(f"  {labels[name]:<28}{median:>9.2f}x   {spread:<20}{note}".rstrip())
    # Tiny tasks: no work to speed up, so compare the runners' own costs with each other.
    rows = times["tiny"]
    costs = [p / t for p, t in zip(rows["processes"], rows["threads"])]
    median = statistics.median(costs)
    report["kinds"]["tiny"] = {
        "title": titles["tiny"], "seconds": rows,
        "processes_over_threads": {"median": median, "min": min(costs), "max": max(costs)},
    }  # fmt: skip
    print(f"\n{titles['tiny']}")
    print(
        f"  a process pool takes {median:.0f}x as long as a thread pool "
        f"({min(costs):.0f}x - {max(costs):.0f}x): process start-ups and pickling"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
