"""Another right design: pipe ends are closed by ``with`` blocks rather than explicit
close() calls (the parent's copy of a child's end is closed by leaving a ``with`` around
start()), and waiting is done with multiprocessing.connection.wait() instead of a
blocking recv() or poll(): collect waits until its end is readable (data or EOF), and
ask waits for the reply with wait([conn], timeout).
"""

from multiprocessing.connection import wait

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def feed(send_end, items):
    with send_end:
        for item in items:
            send_end.send(item)


def collect(items):
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    feeder = multiprocessing.Process(target=feed, args=(send_end, items), name="feeder")
    with send_end:  # the child has its own copy; ours is closed on leaving this block
        feeder.start()
    received = []
    with receive_end:
        while wait([receive_end]):  # readable: an item is there, or every sender has closed
            try:
                received.append(receive_end.recv())
            except EOFError:
                break
    feeder.join()
    return received


def serve(conn, parent_end=None):
    if parent_end is not None:
        parent_end.close()
    with conn:
        number = 0
        while True:
            try:
                request = conn.recv()
            except (EOFError, ConnectionError):
                return
            number += 1
            try:
                conn.send(reply(number, request))
            except ConnectionError:
                return


class Intercom(Intercom):
    """As in the reference, but the parent's copy of the child's end is closed by a
    ``with`` block, and ask waits with connection.wait()."""

    def __init__(self):
        self._conn, child_end = multiprocessing.Pipe()
        self.process = multiprocessing.Process(
            target=serve, args=(child_end, self._conn), name="intercom server"
        )
        with child_end:
            self.process.start()

    def ask(self, request, timeout=5.0):
        try:
            self._conn.send(request)
            if not wait([self._conn], timeout):
                raise TimeoutError(f"the server did not reply within {timeout} s")
            return self._conn.recv()
        except ConnectionError as exc:
            raise EOFError(f"the server has hung up ({exc})") from exc
