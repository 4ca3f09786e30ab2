"""Accepts a client and serves it with blocking recv/sendall until it leaves, and only
then accepts the next: every other client waits.

Caught by: test_serves_many_clients_at_once, test_two_thousand_clients_at_once
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:


def serve_forever(self):
    try:
        while not self._stopping:
            for key, _ in self._selector.select():
                if key.data == "wake-up":
                    self._stopping = True
                elif key.data == "listener":
                    try:
                        sock, _ = self._listener.accept()
                    except OSError:
                        continue
                    sock.setblocking(True)
                    sock.settimeout(0.2)  # so that stop() is noticed, eventually
                    with sock:
                        while not self._stopping:
                            try:
                                data = sock.recv(65536)
                            except TimeoutError:
                                self._stopping = _readable(self._wake_reader)
                                continue
                            except OSError:
                                break
                            if not data:
                                break
                            sock.sendall(data)
    finally:
        self._close_everything()


def _readable(sock):
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except BlockingIOError:
        return False


EchoServer.serve_forever = serve_forever
