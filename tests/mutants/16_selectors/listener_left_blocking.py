"""Registers a listening socket that was never made non-blocking. The accept loop runs
"until BlockingIOError", which a blocking socket never raises: after the clients that
were waiting, accept() waits inside the kernel for the next one, and the selector is
never consulted again while connected clients wait.

Source: UNIX Network Programming, section 16.6 "Nonblocking accept", as summarised in
https://stackguides.com/questions/16001896/in-luasocket-under-which-conditions-can-an-accept-call-block-even-after-select
Caught by: test_echoes_what_a_client_sends, test_serves_many_clients_at_once
Says: asleep inside accept()
"""

from kata.runner import load_reference

load_reference("16_selectors", globals())  # everything as in the reference solution, except:

_reference_init = EchoServer.__init__


def __init__(self, host="127.0.0.1", port=0):
    _reference_init(self, host, port)
    self._listener.setblocking(True)  # "the selector says it is ready, so accept() will not wait"


EchoServer.__init__ = __init__
