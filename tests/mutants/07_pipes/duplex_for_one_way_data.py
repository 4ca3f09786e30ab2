"""collect uses a duplex Pipe() for data that only ever flows from the child to the
parent; the task is the one-way pipe, Pipe(duplex=False).

Caught by: test_collect_gets_every_item_from_a_child_over_a_one_way_pipe
Says: came over a duplex pipe
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def collect(items):
    receive_end, send_end = multiprocessing.Pipe()
    feeder = multiprocessing.Process(target=feed, args=(send_end, items))
    feeder.start()
    send_end.close()
    received = []
    with receive_end:
        while True:
            try:
                received.append(receive_end.recv())
            except EOFError:
                break
    feeder.join()
    return received
