"""collect joins the child before receiving anything. With more data than the pipe holds
(about 64 KB), the child blocks in send() until someone reads, and the parent waits in
join() for the child: neither ever moves again.

Caught by: test_collect_gets_every_item_from_a_child_over_a_one_way_pipe
Says: stuck waiting for its child to end
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def collect(items):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = multiprocessing.Process(target=feed, args=(send_end, items))
    feeder.start()
    send_end.close()
    feeder.join()
    received = []
    with receive_end:
        while True:
            try:
                received.append(receive_end.recv())
            except EOFError:
                break
    return received
