"""Makes every accepted connection non-blocking but leaves the listening socket blocking.
The accepting greenlet's accept() then never raises BlockingIOError: after the clients
that were waiting, it waits inside the kernel for the next one, and since greenlets share
one thread, the hub and every connection's greenlet stop with it.

Source: UNIX Network Programming, section 16.6 "Nonblocking accept", as summarised in
https://stackguides.com/questions/16001896/in-luasocket-under-which-conditions-can-an-accept-call-block-even-after-select
Caught by: test_many_clients_at_once_each_get_their_own_bytes, test_a_large_message_comes_back_whole_while_others_are_served
Says: asleep inside accept()
"""

from kata.runner import load_reference

load_reference("17_green_server", globals())  # everything as in the reference solution, except:

_reference_init = GreenEchoServer.__init__


def __init__(self, host="127.0.0.1", port=0):
    _reference_init(self, host, port)
    self._listener.setblocking(True)  # "the hub only runs the acceptor once it is readable"


GreenEchoServer.__init__ = __init__
