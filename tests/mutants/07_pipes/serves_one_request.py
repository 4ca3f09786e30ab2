"""serve answers one request and returns: no loop. The second request finds the server
gone.

Caught by: test_serve_answers_until_the_other_end_closes, test_intercom_answers_requests_in_order_and_hangs_up_cleanly
Says: it must loop until recv() raises EOFError
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def serve(conn, parent_end=None):
    if parent_end is not None:
        parent_end.close()
    try:
        conn.send(reply(1, conn.recv()))
    except EOFError:
        pass
    conn.close()
