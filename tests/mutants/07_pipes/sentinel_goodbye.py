"""hang_up says goodbye with a None message and serve stops at it; a parent that just
closes its end (or dies) makes serve crash with EOFError.

Caught by: test_serve_answers_until_the_other_end_closes
Says: serve let EOFError out
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def serve(conn, parent_end=None):
    if parent_end is not None:
        parent_end.close()
    number = 0
    while True:
        request = conn.recv()
        if request is None:
            break
        number += 1
        conn.send(reply(number, request))
    conn.close()


def hang_up(self, timeout=5.0):
    self._conn.send(None)
    self._conn.close()
    self.process.join(timeout)
    if self.process.is_alive():
        self.process.terminate()
        self.process.join()
        raise TimeoutError("the server was still running after the hang-up")
    return self.process.exitcode


Intercom.hang_up = hang_up
