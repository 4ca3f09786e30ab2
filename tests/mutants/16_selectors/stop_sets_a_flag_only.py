"""stop() sets a flag and nothing wakes the selector: serve_forever sleeps on in select()
until some client happens to speak, so it never returns once the clients are quiet.

Caught by: test_stop_ends_serve_forever_and_closes_every_socket
Says: socketpair
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def stop(self):
    self._stopping = True


EchoServer.stop = stop
