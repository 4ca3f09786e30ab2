"""collect receives until EOFError and returns without joining the feeder child: the
child has closed its end, so it is ending or has ended, but nobody waits for it or
collects its exit status; it stays in the process table as a zombie. (Under forkserver
the server process reaps its own children, so there only a child still running when
collect returns shows; under fork and spawn the zombie shows every time.)

Source: https://stackoverflow.com/questions/25391025/what-exactly-is-python-multiprocessing-modules-join-method-doing
(without join() "the child process will sit idle and not terminate, becoming a zombie").
Caught by: test_collect_gets_every_item_from_a_child_over_a_one_way_pipe, test_collect_stops_at_the_end_of_the_data_not_at_a_special_item
Caught under: fork, spawn
Says: Join the child before you return
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def collect(items):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = multiprocessing.Process(target=feed, args=(send_end, items), name="feeder")
    feeder.start()
    send_end.close()
    received = []
    with receive_end:
        while True:
            try:
                received.append(receive_end.recv())
            except EOFError:
                break
    return received  # no feeder.join()
