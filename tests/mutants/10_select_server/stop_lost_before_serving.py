"""serve_forever empties the wake-up socketpair when it starts ("a stale byte from some
earlier stop() must not end this run"): a stop() that came before serve_forever, or
before its first select(), is thrown away, and serve_forever serves on although it was
told to stop.

Source: Java's Selector.wakeup(), the same wake-up for a select loop, promises the
opposite: "If no selection operation is currently in progress then the next invocation
of a selection operation will return immediately"
(https://learn.microsoft.com/en-us/dotnet/api/java.nio.channels.selector.wakeup?view=net-android-37.0)
Caught by: test_stop_ends_serve_forever_and_closes_every_socket
Says: comes before the loop first waits
"""

from kata.runner import load_reference

load_reference("10_select_server", globals())  # everything as in the reference solution, except:

_serve_forever = EchoServer.serve_forever


def serve_forever(self):
    while True:  # forget any stop() that came before
        try:
            if not self._wake_reader.recv(1024):
                break
        except BlockingIOError:
            break
    _serve_forever(self)


EchoServer.serve_forever = serve_forever
