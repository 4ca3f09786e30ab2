"""Unpacks Pipe(duplex=False) as (send_end, receive_end): the wrong way round. It returns
(receive_end, send_end), so the child tries to send on the end that can only receive,
and the parent to receive on the end that can only send.

Caught by: test_collect_gets_every_item_from_a_child_over_a_one_way_pipe, test_collect_stops_at_the_end_of_the_data_not_at_a_special_item
Says: returns (receive_end, send_end), in that order
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def collect(items):
    send_end, receive_end = multiprocessing.Pipe(duplex=False)
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
