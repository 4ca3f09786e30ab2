"""Threads instead of processes: each job runs in a threading.Thread, so it shares the
test's pid and memory, and there is no exit code to read (it reports 0 for each).

Caught by: test_each_job_runs_in_a_child_process_of_its_own, test_each_exit_code_says_how_the_child_ended, test_a_childs_change_to_a_global_stays_in_the_child
Says: ran in the test's own process
"""

import threading

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:


def run_children(jobs, timeout):
    threads = {
        name: threading.Thread(target=function, args=args, name=name, daemon=True)
        for name, (function, args) in jobs.items()
    }
    for thread in threads.values():
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads.values():
        thread.join(max(0.0, deadline - time.monotonic()))
    return {
        name: ChildReport(name, os.getpid(), None if thread.is_alive() else 0)
        for name, thread in threads.items()
    }
