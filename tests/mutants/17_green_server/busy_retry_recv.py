"""The green recv retries at once on BlockingIOError instead of parking in the hub: the
greenlet never switches away, so it spins and nobody else runs.

Caught by: test_a_waiting_greenlet_resumes_when_its_socket_becomes_readable, test_many_clients_at_once_each_get_their_own_bytes
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def recv(hub, sock, bufsize):
    while True:
        try:
            return sock.recv(bufsize)
        except BlockingIOError:
            continue
