"""serve_forever returns when stopped but closes nothing: the listening socket, the
clients' sockets, the wake-up pair and the selector stay open.

Caught by: test_stop_ends_serve_forever_and_closes_every_socket
Says: the server left
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _close_everything(self):
    pass


EchoServer._close_everything = _close_everything
