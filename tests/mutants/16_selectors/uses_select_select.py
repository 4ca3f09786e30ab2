"""Waits with select.select (here through selectors.SelectSelector): its bit sets stop at
descriptor 1023, so once the process holds 1024 descriptors select raises ValueError.

Caught by: test_two_thousand_clients_at_once
Says: FD_SETSIZE
Caught on: linux, macos (why not on Windows: selectors.DefaultSelector is select() there too, with the same limit)
"""

import select

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def serve_forever(self):
    try:
        while not self._stopping:
            keys = {key.fd: key for key in self._selector.get_map().values()}
            writers = [fd for fd, key in keys.items() if key.events & selectors.EVENT_WRITE]
            readable, writable, _ = select.select(list(keys), writers, [])
            for fd in readable:
                key = keys[fd]
                if key.data == "listener":
                    self._accept()
                elif key.data == "wake-up":
                    self._stopping = True
                else:
                    self._read(key.data)
            for fd in writable:
                client = keys[fd].data
                if client.sock.fileno() != -1:
                    self._write(client)
    finally:
        self._close_everything()


EchoServer.serve_forever = serve_forever
