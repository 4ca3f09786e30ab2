"""Serves each client with blocking socket calls in a thread of its own, which the handler
awaits: it works, but it is a thread per client again, not the event loop serving them.

Caught by: test_one_thread_serves_every_client
Says: new threads were running
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:

import os
import socket
import threading


def _blocking_echo(fd):
    with socket.socket(fileno=fd) as sock:
        sock.setblocking(True)
        while data := sock.recv(CHUNK):
            sock.sendall(data)


async def handle_echo(reader, writer):
    writer.transport.pause_reading()  # the thread reads the socket from now on
    fd = os.dup(writer.get_extra_info("socket").fileno())
    try:
        loop = asyncio.get_running_loop()
        finished = loop.create_future()

        def serve():
            try:
                _blocking_echo(fd)
            except OSError:
                pass
            finally:
                loop.call_soon_threadsafe(lambda: finished.done() or finished.set_result(None))

        threading.Thread(target=serve, name="client thread", daemon=True).start()
        await finished
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
