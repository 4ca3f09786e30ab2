"""The green sendall retries with the whole data after a partial send: send() took only
what fitted in the buffer, and the next try begins again at byte 0, so the peer gets the
first part twice (and, through a small buffer, the same prefix again and again).

Source: Python docs, socket.send(): "Applications are responsible for checking that all
data has been sent; if only some of the data was transmitted, the application needs to
attempt delivery of the remaining data."
(https://docs.python.org/3/library/socket.html#socket.socket.send)
Caught by: test_green_sendall_sends_every_byte_through_a_small_buffer
Says: began again from its first byte
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:


def sendall(hub, sock, data):
    while True:
        try:
            sent = sock.send(data)
        except BlockingIOError:
            hub.wait_writable(sock)
            continue
        if sent == len(data):
            return
        hub.wait_writable(sock)  # "the rest did not fit: wait and try again"
