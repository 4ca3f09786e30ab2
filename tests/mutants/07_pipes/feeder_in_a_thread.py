"""Runs feed in a thread of this process instead of a child process: the pipe works, but
no second process was ever involved.

Caught by: test_collect_gets_every_item_from_a_child_over_a_one_way_pipe
Says: not by a child
"""

import threading

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def collect(items):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = threading.Thread(target=feed, args=(send_end, items))
    feeder.start()
    received = []
    with receive_end:
        while True:
            try:
                received.append(receive_end.recv())
            except EOFError:
                break
    feeder.join()
    return received
