"""Closes a departed client's socket but leaves it among the sockets handed to select():
the next select() gets a closed socket (fileno() -1) and raises ValueError.

Caught by: test_clients_that_leave_are_closed_and_forgotten, test_a_client_that_resets_does_not_disturb_the_others
Says: fileno() is -1
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _close(self, conn):
    conn.sock.close()


EchoServer._close = _close
