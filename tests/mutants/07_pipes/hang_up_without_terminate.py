"""hang_up joins with a timeout but, when the server is still running after it, just
returns: the busy server is left running and no one hears about it.

Caught by: test_ask_and_hang_up_give_up_after_their_timeouts
Says: terminate it, join it, and raise TimeoutError
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def hang_up(self, timeout=5.0):
    self._conn.close()
    self.process.join(timeout)
    return self.process.exitcode


Intercom.hang_up = hang_up
