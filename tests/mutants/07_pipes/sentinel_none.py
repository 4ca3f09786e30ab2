"""The end of the data is marked with a None sent after the items, not by closing the
pipe: collect stops at the first None, and loses every item from a real None on.

Caught by: test_collect_stops_at_the_end_of_the_data_not_at_a_special_item
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def feed(send_end, items):
    for item in items:
        send_end.send(item)
    send_end.send(None)


def collect(items):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = multiprocessing.Process(target=feed, args=(send_end, items))
    feeder.start()
    received = []
    while True:
        item = receive_end.recv()
        if item is None:
            break
        received.append(item)
    feeder.join()
    return received
