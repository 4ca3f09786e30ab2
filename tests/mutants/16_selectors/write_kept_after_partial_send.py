"""After a partial send the client is watched for EVENT_READ | EVENT_WRITE, and once its
pending output is all sent it is never modified back to EVENT_READ: the socket is
writable almost always, so from then on select() returns at once, every time, and the
idle server spins a whole core. (Short echoes, sent whole at once, never show it.)

Source: https://blog.csdn.net/lyj22/article/details/107891419 (EPOLLOUT keeps firing
while the send buffer has room, so the epoll thread spins at high CPU; the fix is to
remove EPOLLOUT once there is nothing left to send, and add it back when there is)
Caught by: test_a_large_message_comes_back_whole
Says: stop asking whether it is writable
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _write(self, client):
    if self._send_pending(client) and not client.pending and client.ended:
        self._close(client)
    # else: still registered for EVENT_READ | EVENT_WRITE, "in case more comes"


EchoServer._write = _write
