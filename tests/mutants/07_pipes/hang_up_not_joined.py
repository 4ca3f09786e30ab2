"""hang_up closes the end and returns the exit code at once, without joining: the
server has not had time to end, so it returns None.

Caught by: test_intercom_answers_requests_in_order_and_hangs_up_cleanly
Says: None means the server had not ended yet
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def hang_up(self, timeout=5.0):
    self._conn.close()
    return self.process.exitcode


Intercom.hang_up = hang_up
