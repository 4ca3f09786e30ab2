"""serve_forever returns after stop() but closes only the wake-up pair: the listener and
every client's socket stay open.

Caught by: test_stop_ends_serve_forever_and_closes_every_socket
Says: the server left
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _close_everything(self):
    self._wake_reader.close()
    self._wake_writer.close()


EchoServer._close_everything = _close_everything
