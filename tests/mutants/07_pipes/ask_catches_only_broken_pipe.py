"""ask turns BrokenPipeError into EOFError and nothing else. A server that dies with a
request still unread makes the parent's recv() raise ConnectionResetError ("Connection
reset by peer"), which ask lets out: callers meet a third exception for the same event.

Source: https://github.com/devendrachaplot/Neural-SLAM/issues/68 and
https://github.com/WGLab/DeepMod2/issues/41 (ConnectionResetError: [Errno 104] from
multiprocessing/connection.py _recv when the process at the other end died).
Caught by: test_ask_raises_eoferror_when_the_server_dies_mid_request
Says: ask() let ConnectionResetError out
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def ask(self, request, timeout=5.0):
    try:
        self._conn.send(request)
        if not self._conn.poll(timeout):
            raise TimeoutError(f"the server did not reply within {timeout} s")
        return self._conn.recv()
    except BrokenPipeError as exc:
        raise EOFError(f"the server has hung up ({exc})") from exc


Intercom.ask = ask
