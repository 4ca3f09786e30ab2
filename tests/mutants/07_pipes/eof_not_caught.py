"""serve loops on recv() without catching EOFError: when the parent hangs up, the
server dies of the exception (exit code 1, a traceback on stderr) instead of ending.

Caught by: test_serve_answers_until_the_other_end_closes, test_intercom_answers_requests_in_order_and_hangs_up_cleanly
Says: serve let EOFError out
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def serve(conn, parent_end=None):
    if parent_end is not None:
        parent_end.close()
    number = 0
    while True:
        request = conn.recv()
        number += 1
        conn.send(reply(number, request))
