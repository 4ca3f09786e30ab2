"""stop() writes into the socketpair without catching OSError: once serve_forever has
returned and closed it, a second stop() raises "Bad file descriptor".

Source: Python docs, socket.close(): "all future operations on the socket object will
fail" (https://docs.python.org/3/library/socket.html#socket.socket.close)
Caught by: test_stop_unwinds_parked_greenlets_and_closes_every_socket
Says: a second stop() raised
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def stop(self):
    self._wake_send.send(b"x")


GreenEchoServer.stop = stop
