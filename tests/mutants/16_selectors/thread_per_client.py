"""Starts a thread per client that blocks in recv() and sendall(): it works, but it is
the design this exercise replaces with one thread and a selector.

Caught by: test_one_thread_serves_every_client
Says: new threads were running
"""

import threading

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def _accept(self):
    while True:
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return
        sock.setblocking(True)
        self.__dict__.setdefault("_client_socks", []).append(sock)
        threading.Thread(target=_echo, args=(sock,), daemon=True).start()


def _echo(sock):
    with sock:
        while True:
            try:
                data = sock.recv(65536)
                if not data:
                    return
                sock.sendall(data)
            except OSError:
                return


def _close_everything(self):
    for sock in self.__dict__.get("_client_socks", []):
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes its thread, which closes it
        except OSError:
            pass
    _reference_close_everything(self)


_reference_close_everything = EchoServer._close_everything
EchoServer._accept = _accept
EchoServer._close_everything = _close_everything
