"""serve catches EOFError only. When the parent hangs up with a request still
unanswered, serve's send() of the reply finds the other end closed and raises
BrokenPipeError: the server dies of it (exit code 1, a traceback on stderr) instead of
ending the conversation normally.

Source: https://github.com/cjrh/deadpool/issues/157 ("Handle another source of
BrokenPipeError": Connection.send to a process that has gone away).
Caught by: test_serve_answers_until_the_other_end_closes
Says: BrokenPipeError (a ConnectionError)
"""

from kata.runner import load_reference

load_reference("07_pipes", globals())  # everything as in the reference solution, except:


def serve(conn, parent_end=None):
    if parent_end is not None:
        parent_end.close()
    number = 0
    with conn:
        while True:
            try:
                request = conn.recv()
            except EOFError:  # the only way the parent is expected to go
                return
            number += 1
            conn.send(reply(number, request))
