"""A thread per client: select() only accepts, and each client gets a thread that
blocks in recv() and sendall(). It echoes, but select is not what serves.

Caught by: test_one_thread_serves_every_client
Says: new threads were running
"""

import select
import threading

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:


def _serve_one(sock):
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            sock.sendall(data)
    except OSError:
        pass
    finally:
        sock.close()


def serve_forever(self):
    try:
        while True:
            readable, _, _ = select.select([self._listener, self._wake_reader], [], [])
            if self._wake_reader in readable:
                return
            try:
                sock, _ = self._listener.accept()
            except BlockingIOError:
                continue
            sock.setblocking(True)
            threading.Thread(target=_serve_one, args=(sock,), daemon=True).start()
    finally:
        self._close_everything()


EchoServer.serve_forever = serve_forever
