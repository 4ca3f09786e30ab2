"""collect never closes the parent's copy of the send end. The child sends everything
and ends, but one copy of the sending end is still open (in the parent itself), so
recv() never raises EOFError and collect waits forever. It must fail fast, naming the end.

Caught by: test_collect_gets_every_item_from_a_child_over_a_one_way_pipe, test_collect_stops_at_the_end_of_the_data_not_at_a_special_item
Says: this process still holds one: 'send_end'
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def collect(items):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = multiprocessing.Process(target=feed, args=(send_end, items))
    feeder.start()
    received = []
    while True:
        try:
            received.append(receive_end.recv())
        except EOFError:
            break
    feeder.join()
    return received
