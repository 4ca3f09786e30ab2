"""ask() ignores its timeout and waits in recv() for as long as the server takes.

Caught by: test_ask_and_hang_up_give_up_after_their_timeouts
Says: poll(timeout) before recv()
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def ask(self, request, timeout=5.0):
    try:
        self._conn.send(request)
    except BrokenPipeError as exc:
        raise EOFError("the server has hung up") from exc
    return self._conn.recv()


Intercom.ask = ask
