"""The green sendall calls send once and ignores how much it sent: on a partial send the
rest of the data is silently lost.

Caught by: test_green_sendall_sends_every_byte_through_a_small_buffer
Says: sends what fits in the buffer
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def sendall(hub, sock, data):
    while True:
        try:
            sock.send(data)
            return
        except BlockingIOError:
            hub.wait_writable(sock)
