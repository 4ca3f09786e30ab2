"""stop() writes into the wake-up socketpair without catching OSError: once
serve_forever has returned and closed the pair, a second stop() raises "Bad file
descriptor".

Source: Python docs, socket.close(): "all future operations on the socket object will
fail" (https://docs.python.org/3/library/socket.html#socket.socket.close)
Caught by: test_stop_ends_serve_forever_and_closes_every_socket
Says: a second stop() raised
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def stop(self):
    self._wake_writer.send(b"x")


EchoServer.stop = stop
