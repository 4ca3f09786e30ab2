"""Sends pending output once and forgets it, whatever send() returned: when the socket
takes only part of it, the tail is lost.

Caught by: test_a_large_message_comes_back_whole
Says: while reading slowly
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _write(self, client):
    try:
        client.sock.send(client.pending)
    except BlockingIOError:
        return
    except OSError:
        self._close(client)
        return
    client.pending.clear()
    self._selector.modify(client.sock, selectors.EVENT_READ, data=client)


EchoServer._write = _write
