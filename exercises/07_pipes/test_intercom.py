"""Tests for 07_pipes. Run them with:  pytest exercises/07_pipes

Nothing here waits on a pipe without a bound: the tests use poll(timeout), joins with
timeouts, and run your functions in helper threads that they give up on in time. When a
call is stuck, the failure says where, and which pipe end is still open.

The items sent through collect() are kata.probes.intercom.Parcel objects: when one is
pickled to cross a pipe it notes which process sent it and whether the sending end
could also receive. So the tests can see that the items came from a child, over a
one-way pipe.
"""

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time

import psutil
import pytest

import kata.timing as timing
from kata import Call, finishes_within, guard, implementation, messages, processes
from kata.probes.intercom import Hold, Parcel, Stall

intercom = implementation("intercom")

# Every bound comes from kata.timing: timing.child_ready() for a child to start and
# answer (under spawn and forkserver it boots an interpreter first, slow on a loaded
# machine), timing.SOON for a child that is already running to do something quick, and
# for collect() to return once every child it started has ended.
#
# The timeout the test gives ask() and hang_up() when the server is busy: an input, not a
# wait on your code. A right answer gives up when it runs out; one that waits for ever
# is caught by the test's own bound (timing.SOON).
GIVE_UP = 0.05

# Each test waits with its own bounds (timing.child_ready() and a little more at most);
# the time limit of a test is only the last line of defence, so it must be longer.
pytestmark = pytest.mark.timeout(2 * timing.child_ready() + 5)

ITEMS = 200
PAYLOAD = b"x" * 1000  # 200 items of 1 KB: more than a pipe holds (about 64 KB) at once

READ_BEFORE_JOIN = (
    "A pipe holds only about 64 KB. Once it is full, the child's send() waits until "
    "someone reads, so a parent that joins the child before reading everything waits "
    "for a child that waits for the parent. Receive until EOFError first, then join."
)


# --- helpers ------------------------------------------------------------------------------


def is_connection(value):
    return all(hasattr(value, a) for a in ("recv", "send", "poll", "closed", "readable", "writable"))


def open_ends(namespace):
    """(name, connection) for each pipe end in this dict that is still open."""
    return [(n, v) for n, v in namespace.items() if is_connection(v) and not v.closed]


def pipe_lesson(exc):
    """What an error raised by a pipe end means, in words a learner can act on."""
    text = str(exc)
    if isinstance(exc, OSError) and ("read-only" in text or "write-only" in text):
        return (
            f"{'send()' if 'read-only' in text else 'recv()'} was called on an end that "
            f"can only {'receive' if 'read-only' in text else 'send'}. "
            "multiprocessing.Pipe(duplex=False) returns (receive_end, send_end), in that "
            "order: the first can only recv(), the second can only send(). A one-way pipe "
            "carries messages one way; a request and its reply need a duplex Pipe()."
        )
    if isinstance(exc, OSError) and "handle is closed" in text:
        return (
            "A pipe end was used after it was closed. Each process closes only the ends it "
            "does not use: after start(), the parent closes its copy of the child's end, "
            "never its own."
        )
    return None


def fail_with(exc, lesson):
    """Fail the test with where `exc` was raised in the learner's code, and the lesson."""
    pytest.fail(f"{messages.format_exception(exc).rstrip()}\n{lesson}", pytrace=False)


def raise_with_lesson(exc):
    lesson = pipe_lesson(exc)
    if lesson:
        fail_with(exc, lesson)
    raise exc


def call(seconds, fn, *args, explain="", **kwargs):
    """fn(*args, **kwargs) in a helper thread, failing fast (with `explain`) if it is stuck."""
    try:
        return finishes_within(seconds, fn, *args, explain=explain, **kwargs)
    except OSError as exc:
        raise_with_lesson(exc)


def outcome_of(seconds, fn, *args, explain="", **kwargs):
    """Like call(), but returns (value, None), or (None, the exception fn raised).

    The test then fails outside any except block, so its report is not cluttered with
    "During handling of the above exception, another exception occurred".
    """
    try:
        return call(seconds, fn, *args, explain=explain, **kwargs), None
    except Exception as exc:  # a failing test's own Failed is a BaseException: not caught
        return None, exc


def waiting_in(thread, names):
    """Is the thread inside a multiprocessing function of one of these names?"""
    frame = sys._current_frames().get(thread.ident)
    folder = os.path.dirname(multiprocessing.__file__)
    while frame is not None:
        code = frame.f_code
        if code.co_name in names and code.co_filename.startswith(folder):
            return True
        frame = frame.f_back
    return False


def collect(items):
    """intercom.collect(items), given as long as it makes progress.

    collect() starts a child and receives from it; once every child it started has
    ended, it has nothing left to wait for. If it has not returned timing.SOON seconds later,
    or has waited in join() for that long on a child that is still running, it is
    stuck: the test fails at once, saying where, and which pipe end is still open.
    """
    children = []  # the processes started while collect() runs
    original_start = multiprocessing.process.BaseProcess.start

    def recording_start(process):
        original_start(process)
        children.append(process)

    began = time.monotonic()
    quiet_since = joining_since = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(multiprocessing.process.BaseProcess, "start", recording_start)
        running = Call(intercom.collect, items, name="calling collect")
        while not running.done:
            now = time.monotonic()
            # psutil's process table: it reaps nobody's exit status (a zombie is not running)
            children_running = any(processes.is_alive(p.pid) for p in children)
            if children and not children_running:
                quiet_since = quiet_since or now
            else:
                quiet_since = None
            if children_running and waiting_in(running.thread, ("join",)):
                joining_since = joining_since or now
            else:
                joining_since = None
            if joining_since is not None and now - joining_since > timing.SOON:
                stuck(running.thread, "join", children)
            if quiet_since is not None and now - quiet_since > timing.SOON:
                stuck(running.thread, "ended", children)
            if now - began > timing.child_ready():
                stuck(running.thread, "slow", children)
            running.thread.join(0.02)
    if isinstance(running.error, EOFError):
        fail_with(running.error, (
            "collect() let EOFError out. For the receiving side EOFError is not an error: "
            "it is how the pipe says that every copy of the sending end is closed and all "
            "that was sent has been received. Catch it and stop."
        ))  # fmt: skip
    if running.error is not None:
        raise_with_lesson(running.error)
    left = [p for p in children if not gone(p.pid)]
    if left:
        pytest.fail(
            f"collect() returned, and the child it started (pid {left[0].pid}) is still in "
            "the process table: "
            + ("still running. " if processes.is_alive(left[0].pid) else "ended, but nobody reaped it (a zombie). ")
            + "Join the child before you return: join() waits for it to end and collects "
            "its exit status, so that nothing of it is left behind.",
            pytrace=False,
        )
    return running.value


def gone(pid):
    """True once no process, not even a zombie waiting to be reaped, has this pid.
    (psutil: os.kill(pid, 0) would end the process on Windows.)"""
    return not processes.exists(pid)


def stuck(thread, why, children):
    """Fail the test for a collect() that does not return: where it is, and why."""
    report = messages.thread_report(thread)
    own = intercom.collect.__code__.co_filename
    namespace = {}
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_filename == own:
            namespace.update({k: v for k, v in frame.f_locals.items() if k not in namespace})
        frame = frame.f_back
    if why == "join":
        headline = (
            f"collect() did not return: it has been waiting in join() for {timing.SOON:g} s for a "
            "child that is still running. It is stuck waiting for its child to end."
        )
        explain = READ_BEFORE_JOIN
        for process in children:  # let the child go, and collect() with it
            process.kill()
    else:
        senders = [(n, c) for n, c in open_ends(namespace) if c.writable]
        headline = "collect() did not return: " + (
            "every child it started has ended, so everything sent has arrived, but it is "
            "still waiting."
            if why == "ended"
            else f"it is still waiting after {timing.child_ready():g} s."
        )
        if senders:
            names = ", ".join(f"'{n}'" for n, _ in senders)
            explain = (
                "recv() raises EOFError only when every copy of the sending end is closed, "
                f"and this process still holds one: {names}, open in collect(). The child "
                "has its own copy, which it closes (or loses when it ends); the parent never "
                "sends, so it must close its copy right after start()."
            )
        else:
            explain = (
                "recv() raises EOFError only when every copy of the sending end is closed, "
                "and a copy is still open somewhere in this process (an attribute or a "
                "global?). After start(), the parent must close its copy of the child's end."
            )
        for _, conn in senders:  # closing it lets the stuck recv() see EOF and return
            if not conn.readable:
                conn.close()
    thread.join(0.5)
    if thread.is_alive():
        guard.excuse(thread)
    pytest.fail(f"{headline}\n{report}\n{explain}", pytrace=False)


def shut(com):
    """Stop whatever an Intercom left running, whatever state it is in."""
    process = getattr(com, "process", None)
    if isinstance(process, multiprocessing.process.BaseProcess) and process._popen is not None:
        if process.is_alive():
            process.kill()
        process.join(timing.SOON)
    for _, conn in open_ends(vars(com)):
        conn.close()


@pytest.fixture
def new_intercom():
    """Makes Intercoms, and stops their servers after the test however it ended."""
    made = []

    def make():
        com = call(
            timing.SOON,
            intercom.Intercom,
            explain="Intercom() should start the server and return at once, without waiting for it.",
        )
        made.append(com)
        process = getattr(com, "process", None)
        assert isinstance(process, multiprocessing.process.BaseProcess), (
            f"Intercom().process is {process!r}: keep the server's multiprocessing.Process "
            "in self.process"
        )
        assert process.pid is not None and process.pid != os.getpid(), (
            "Intercom().process has not been started: the server must run in a child process"
        )
        return com

    yield make
    for com in made:
        shut(com)


def ask(com, request, patience=timing.SOON):
    """com.ask(request), failing with a lesson if the server hung up or did not answer."""
    answer, error = outcome_of(patience + timing.SOON, com.ask, request, timeout=patience, explain=(
        f"ask() must give up after its timeout ({patience:g} s here): poll(timeout) "
        "before recv(), so that a server that never answers cannot block the caller."
    ))  # fmt: skip
    if isinstance(error, TimeoutError):
        pytest.fail(
            f"the server gave no reply to {request!r} within {patience:g} s, and it is "
            f"{'still running' if com.process.is_alive() else 'gone'}: serve must answer "
            "every request with conn.send(reply(number, request)).",
            pytrace=False,
        )
    if isinstance(error, (EOFError, ConnectionError)):
        hung_up(com, request)
    if error is not None:
        raise_with_lesson(error)
    return answer


def hang_up_releasing(com, release):
    """com.hang_up(timeout=timing.SOON) in a helper thread; (what it returned, what it raised).

    The server holds off its exit until `release` exists. The file is created as soon
    as hang_up() waits for the process (join), or after timing.AT_ONCE of it running; so a
    hang_up() that returns without waiting finds a server that has not ended.
    """
    hanging = Call(com.hang_up, timeout=timing.SOON, name="calling hang_up")
    began = time.monotonic()
    while hanging.thread.is_alive() and not release.exists():
        if waiting_in(hanging.thread, ("join", "wait")) or time.monotonic() - began > timing.AT_ONCE:
            release.touch()
        hanging.thread.join(0.005)
    hanging.thread.join(2 * timing.SOON)
    if hanging.thread.is_alive():
        guard.excuse(hanging.thread)
        pytest.fail(
            messages.stuck_report(
                f"hang_up(timeout={timing.SOON:g}) has not returned after {2 * timing.SOON:g} s:",
                [hanging.thread],
                "hang_up() must give up after its timeout: join(timeout), not join(); then "
                "terminate() the server if it is still running.",
            ),
            pytrace=False,
        )
    return hanging.value, hanging.error


def hung_up(com, request):
    com.process.join(timing.SOON)
    code = com.process.exitcode
    if code == 0:
        why = (
            "it returned normally: serve must keep answering, in a loop, until recv() "
            "raises EOFError, not stop after one request."
        )
    else:
        why = (
            f"it ended with exit code {code}: it crashed (its traceback is in the captured "
            "stderr below)."
        )
    pytest.fail(f"the server hung up instead of answering {request!r}: {why}", pytrace=False)


# --- a one-way pipe: collect and feed -----------------------------------------------------


def test_collect_gets_every_item_from_a_child_over_a_one_way_pipe():
    items = [Parcel(i, PAYLOAD) for i in range(ITEMS)]
    received = collect(items)
    values = [getattr(p, "value", p) for p in received]
    assert values == list(range(ITEMS)), (
        f"collect() returned {len(values)} items; expected the {ITEMS} it was given, in "
        f"order. It returned: {values[:5]}{' ...' if len(values) > 5 else ''}"
    )
    senders = {p.sent_by for p in received}
    assert None not in senders, (
        "some items never went through a pipe: collect() must receive them with recv() "
        "from the pipe the child sends them into"
    )
    assert os.getpid() not in senders, (
        f"the items were sent by this process (pid {os.getpid()}), not by a child: run "
        "feed in a multiprocessing.Process, not in this process or in a thread"
    )
    assert not any(p.duplex for p in received), (
        "the items came over a duplex pipe: the child's end could receive as well as send. "
        "Data that flows one way belongs in a one-way pipe: multiprocessing.Pipe("
        "duplex=False), which returns (receive_end, send_end)."
    )


def test_collect_stops_at_the_end_of_the_data_not_at_a_special_item():
    # feed itself, in this process: its items, then the closed end is the end of the data.
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    try:
        call(timing.SOON, intercom.feed, send_end, ["a", None], explain=(
            "feed(send_end, ['a', None]) did not return: send each item, then close send_end"
        ))  # fmt: skip
        assert send_end.closed, (
            "feed(send_end, items) returned with send_end still open. Closing it is how the "
            "child says 'that was all': once every copy is closed, recv() at the other end "
            "raises EOFError."
        )
        got = [receive_end.recv() if receive_end.poll(timing.SOON) else "nothing" for _ in range(2)]
        assert got == ["a", None] and got[1] is None, (
            f"feed(send_end, ['a', None]) sent {got}: every item, in order, None included"
        )
        try:
            extra = receive_end.recv() if receive_end.poll(timing.SOON) else "nothing (and no EOF)"
        except EOFError:
            extra = None
        else:
            extra = repr(extra)
        assert extra is None, (
            f"after the items, feed sent {extra}: nothing else marks the end, only closing "
            "the send end (recv() then raises EOFError)"
        )
    finally:
        receive_end.close()
        send_end.close()

    nothing = collect([])
    assert type(nothing) is list and nothing == [], f"collect([]) returned {nothing!r}, not []"
    items = ["first", None, "", 0, False, b"", "STOP", "last"]
    received = collect(items)
    same = type(received) is list and len(received) == len(items) and all(
        type(got) is type(sent) and got == sent for got, sent in zip(received, items)
    )
    assert same, (
        f"collect({items!r}) returned {received!r} (a {type(received).__name__}); expected "
        "a list of the same items, in order. None, '', 0, False and 'STOP' are items like any "
        "other: the end of the data is the pipe's EOF (every copy of the send end closed), "
        "not a special value that a caller might one day want to send."
    )


# --- a duplex pipe: serve, Intercom -------------------------------------------------------


def serve_here(conn, parent_end, explain):
    """intercom.serve(conn, parent_end) in this process, on a pipe nobody will write to."""
    _, error = outcome_of(timing.SOON, intercom.serve, conn, parent_end, explain=explain)
    if isinstance(error, EOFError):
        fail_with(error, (
            "serve let EOFError out. When the other end closes, recv() raises EOFError: "
            "for a server that is the normal end of the conversation, not an error. Catch "
            "it and return."
        ))  # fmt: skip
    if error is not None:
        raise_with_lesson(error)
    assert conn.closed, (
        "serve returned but left its connection open: when the other end has hung up, "
        "close conn, then return"
    )


def test_serve_answers_until_the_other_end_closes():
    # First, in this process: on a pipe whose other end is already closed, serve has
    # nobody to answer, and must return at once.
    mine, theirs = multiprocessing.Pipe()
    mine.close()
    try:
        serve_here(theirs, None, (
            "serve(conn) was called on a pipe whose other end was already closed, and is "
            "still waiting: recv() raises EOFError there, and serve should return."
        ))  # fmt: skip
    finally:
        theirs.close()
    # Given the parent's end too: serve must close it, and then it is alone on the pipe.
    mine, theirs = multiprocessing.Pipe()
    try:
        serve_here(theirs, mine, (
            "serve(conn, parent_end) was given the only other end of its pipe, and is still "
            "waiting: while any copy of the other end is open, recv() never raises "
            "EOFError, and here that copy is parent_end itself. serve must close "
            "parent_end first thing."
        ))  # fmt: skip
    finally:
        mine.close()
        theirs.close()

    # Then in a child, as the test's own server, given both ends as Intercom would.
    parent_end, child_end = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=intercom.serve, args=(child_end, parent_end), name="server started by the test"
    )
    server.start()
    child_end.close()  # the test's own copy of the child's end
    try:
        replies = []
        for word in ("ping", "pong", "ping"):
            try:
                parent_end.send(word)
                if not parent_end.poll(timing.child_ready() if not replies else timing.SOON):
                    pytest.fail(f"serve gave no reply to {word!r} within the time", pytrace=False)
                replies.append(parent_end.recv())
            except (EOFError, ConnectionError):  # the server is gone
                gone = True
            else:
                gone = False
            if gone:
                server.join(timing.SOON)
                pytest.fail(
                    f"serve answered {len(replies)} request(s) and then ended (exit code "
                    f"{server.exitcode}) instead of answering {word!r}: it must loop until "
                    "recv() raises EOFError.",
                    pytrace=False,
                )
        assert replies == ["1: PING", "2: PONG", "3: PING"], (
            f"to 'ping', 'pong', 'ping' serve replied {replies}; expected reply(n, request) "
            "with the requests numbered from 1: ['1: PING', '2: PONG', '3: PING']"
        )
        # Hang up in the middle of a request: the server is paused (SIGSTOP, by psutil),
        # the test sends one more request and closes its end, then lets the server go on.
        # It receives the request, and its send() of the reply finds nobody at the other
        # end: BrokenPipeError, which means the same as EOFError.
        paused = psutil.Process(server.pid)
        paused.suspend()
        try:
            parent_end.send("are you still there?")
            parent_end.close()  # goodbye, with a request still unanswered
        finally:
            paused.resume()
        server.join(timing.SOON)
        assert not server.is_alive(), (
            f"serve still runs {timing.SOON:g} s after the parent closed its end: its recv() never "
            "raised EOFError. EOFError comes only when every copy of the other end is "
            "closed, and the child holds one: parent_end, which it was given (and which, "
            "under fork, it would inherit anyway). serve must close parent_end first thing."
        )
        assert server.exitcode == 0, (
            f"serve ended with exit code {server.exitcode}, not 0, after the parent hung up "
            "with a request unanswered: it crashed (see its traceback in the captured "
            "stderr). Its send() of the reply found the other end closed and raised "
            "BrokenPipeError (a ConnectionError); when the parent is gone, recv() raises "
            "EOFError instead. Both are the normal end of the conversation: catch both, "
            "close conn and return."
        )
    finally:
        parent_end.close()
        if server.is_alive():
            server.kill()
        server.join(timing.SOON)


def test_intercom_answers_requests_in_order_and_hangs_up_cleanly(new_intercom, tmp_path):
    com = new_intercom()
    # The last request is a Hold: the server's process cannot end until the test creates
    # this file, which it does once hang_up() waits for the server.
    release = tmp_path / "the server may end now"
    try:
        replies = [
            ask(com, "hello", patience=timing.child_ready()),
            ask(com, "again"),
            ask(com, Hold("bye", str(release))),
        ]
        assert replies == ["1: HELLO", "2: AGAIN", "3: BYE"], (
            f"to 'hello', 'again', 'bye' the server replied {replies}; expected "
            "['1: HELLO', '2: AGAIN', '3: BYE']: one server answers every request and "
            "numbers them from 1"
        )
        code, error = hang_up_releasing(com, release)
    finally:
        release.touch()
    if isinstance(error, TimeoutError):
        pytest.fail(
            f"hang_up() closed the parent's end, but the server was still running {timing.SOON:g} s "
            "later: its recv() never raised EOFError, because a copy of the parent's end is "
            "still open in the child. Under fork a child inherits a copy of every end the "
            "parent holds; under spawn and forkserver it gets those passed to it. Pass the "
            "parent's end to serve, and have serve close it first thing.",
            pytrace=False,
        )
    if error is not None:
        raise_with_lesson(error)
    assert code == 0, (
        f"hang_up() returned {code!r}, not 0. "
        + (
            "None means the server had not ended yet: after closing the end, join the "
            "process, then return its exitcode."
            if code is None
            else f"The server ended with exit code {code}: it crashed (see its traceback in "
            "the captured stderr). EOFError is how it learns the parent hung up: catch it."
        )
    )
    assert not com.process.is_alive()


def test_ask_and_hang_up_give_up_after_their_timeouts(new_intercom):
    com = new_intercom()
    assert ask(com, "warm up", patience=timing.child_ready()) == "1: WARM UP"
    began = time.monotonic()
    answer, error = outcome_of(timing.SOON, com.ask, Stall("60"), timeout=GIVE_UP, explain=(
        "the server is busy for a minute with this request, and ask(request, "
        f"timeout={GIVE_UP:g}) still waits: poll(timeout) before recv(), and raise TimeoutError "
        "when poll says nothing came."
    ))  # fmt: skip
    waited = time.monotonic() - began
    if isinstance(error, (EOFError, ConnectionError)):
        hung_up(com, "a request that keeps it busy for a minute")
    if error is None:
        pytest.fail(f"ask() returned {answer!r} from a server that was busy for a minute", pytrace=False)
    if not isinstance(error, TimeoutError):
        raise_with_lesson(error)
    assert waited >= 0.8 * GIVE_UP, (
        f"ask(timeout={GIVE_UP:g}) gave up after {waited:.3f} s: wait the whole timeout"
    )
    # timeout=0: do not wait at all (the server is still busy), not wait for ever.
    answer, error = outcome_of(timing.SOON, com.ask, "and now?", timeout=0, explain=(
        "ask(request, timeout=0) is still waiting for a server that is busy: timeout=0 "
        "means look once and give up (poll(0)), not wait for ever. Careful with "
        "`timeout or None`: 0 is falsy, and poll(None) waits for ever."
    ))  # fmt: skip
    if not isinstance(error, TimeoutError):
        if error is not None:
            raise_with_lesson(error)
        pytest.fail(f"ask(timeout=0) returned {answer!r} from a server that was busy for a minute", pytrace=False)
    code, error = outcome_of(timing.SOON, com.hang_up, timeout=GIVE_UP, explain=(
        f"the server is busy and cannot notice the hang-up yet; hang_up(timeout={GIVE_UP:g}) "
        "must not wait for it longer than that: join(timeout), then terminate()."
    ))  # fmt: skip
    if error is None:
        pytest.fail(
            f"hang_up(timeout={GIVE_UP:g}) returned {code!r} while the server was still busy: "
            "when join(timeout) leaves it running, terminate it, join it, and raise "
            "TimeoutError.",
            pytrace=False,
        )
    if not isinstance(error, TimeoutError):
        raise_with_lesson(error)
    assert not com.process.is_alive(), (
        "hang_up() raised TimeoutError but left the server running: terminate() it and "
        "join() it before raising"
    )


def test_ask_notices_when_the_server_is_gone(new_intercom):
    com = new_intercom()
    assert ask(com, "are you there?", patience=timing.child_ready()) == "1: ARE YOU THERE?"
    com.process.kill()  # the server dies without a word
    com.process.join(timing.SOON)
    ends = [name for name, _ in open_ends(vars(com))]
    if len(ends) > 1:
        held = (
            f"The Intercom holds {len(ends)} open pipe ends ({', '.join(ends)}); it needs "
            "only its own. The other is the child's end: while the parent holds a copy, "
            "the pipe is still open at the far end when the server dies, so there is never "
            "an EOF to see."
        )
    else:
        held = (
            "A copy of the child's end is still open in this process: while the parent "
            "holds one, the pipe is still open at the far end when the server dies."
        )
    fix = "Close the parent's copy of the child's end right after self.process.start()."
    answer, error = outcome_of(2 * timing.SOON, com.ask, "hello?", timeout=timing.SOON, explain=f"{held} {fix}")
    if isinstance(error, EOFError):
        return
    if isinstance(error, TimeoutError):
        pytest.fail(
            "the server was killed, and ask() waited out its whole timeout for a reply "
            f"instead of raising EOFError at once. {held} {fix}",
            pytrace=False,
        )
    if isinstance(error, ConnectionError):
        fail_with(error, (
            f"ask() let {type(error).__name__} out. The server is gone, and the pipe said so "
            "with a ConnectionError instead of EOFError. Both mean the same, so raise "
            "EOFError for both: callers then have one thing to catch."
        ))  # fmt: skip
    if error is not None:
        raise_with_lesson(error)
    pytest.fail(f"ask() returned {answer!r}, but the server had been killed", pytrace=False)


class Fatal:
    """A request that ends the server as it arrives: unpickling it (in the server's recv())
    calls os.kill(server_pid, SIGKILL). The server has read the whole request by then."""

    def __init__(self, pid):
        self.pid = pid

    def __reduce__(self):
        return (os.kill, (self.pid, getattr(signal, "SIGKILL", signal.SIGTERM)))


GONE_MID_REQUEST = (
    "When the server is gone, ask() raises EOFError, however the pipe says it: recv() "
    "raises EOFError if the server had read everything sent to it, ConnectionResetError "
    "if it died with a request still unread, and send() raises BrokenPipeError if it was "
    "already gone. Catch ConnectionError (the parent of both) and raise EOFError, so that "
    "callers have one thing to catch."
)


def ask_a_dying_server(com, request, explain, kill=None):
    """com.ask(request, timeout=timing.child_ready()) in a helper thread: (what it returned, what it raised).

    kill, if given, is called once ask() waits for the reply (or after timing.SOON s). Once the
    server's process has ended, ask() has nothing left to wait for: if it has not returned
    timing.SOON seconds later, it is stuck, and the test fails at once with where (it does not
    wait out ask()'s timeout of timing.child_ready()).
    """
    asking = Call(com.ask, request, timeout=timing.child_ready(), name="calling ask")
    began = time.monotonic()
    names = ("poll", "_poll", "wait", "recv", "_recv_bytes", "_recv", "recv_bytes")
    if kill is not None:
        while not asking.done and not waiting_in(asking.thread, names) and time.monotonic() - began < timing.SOON:
            asking.thread.join(0.005)
        kill()
    gone_at = None
    while not asking.done and time.monotonic() - began < timing.child_ready() + timing.SOON:
        if gone_at is None and multiprocessing.connection.wait([com.process.sentinel], 0):
            gone_at = time.monotonic()
        if gone_at is not None and time.monotonic() - gone_at > timing.SOON:
            break
        asking.thread.join(0.01)
    try:
        return asking.finish(0.5, f"ask({request!r}) to a server that has died", explain), None
    except Exception as exc:  # a failing test's own Failed is a BaseException: not caught
        return None, exc


def test_ask_raises_eoferror_when_the_server_dies_mid_request(new_intercom):
    # The server dies after it has read the request: the pipe's EOF.
    com = new_intercom()
    assert ask(com, "ready?", patience=timing.child_ready()) == "1: READY?"
    answer, error = ask_a_dying_server(com, Fatal(com.process.pid), (
        "the server died as it read this request, and ask() is still waiting: poll() "
        "returns as soon as the other end is closed, and recv() then raises EOFError."
    ))  # fmt: skip
    if error is None:
        pytest.fail(f"ask() returned {answer!r}, but the server died before it could reply", pytrace=False)
    if isinstance(error, TimeoutError):
        pytest.fail(
            f"the server died as it read the request, and ask() waited out its whole timeout "
            f"instead of raising EOFError. {GONE_MID_REQUEST}",
            pytrace=False,
        )
    if not isinstance(error, EOFError):
        fail_with(error, f"ask() let {type(error).__name__} out. {GONE_MID_REQUEST}")

    # The server dies with the request unread: paused (SIGSTOP, by psutil) while ask()
    # sends, then killed. The pipe now says ConnectionResetError.
    com = new_intercom()
    assert ask(com, "ready?", patience=timing.child_ready()) == "1: READY?"
    server = psutil.Process(com.process.pid)
    server.suspend()
    answer, error = ask_a_dying_server(com, "hello?", (
        "the server was killed with the request unread, and ask() is still waiting: "
        "poll() returns as soon as the other end is closed."
    ), kill=server.kill)  # fmt: skip
    if isinstance(error, EOFError):
        return
    if error is None:
        pytest.fail(f"ask() returned {answer!r}, but the server was killed before it read the request", pytrace=False)
    if isinstance(error, TimeoutError):
        pytest.fail(
            f"the server was killed with the request unread, and ask() waited out its whole "
            f"timeout instead of raising EOFError. {GONE_MID_REQUEST}",
            pytrace=False,
        )
    fail_with(error, f"ask() let {type(error).__name__} out. {GONE_MID_REQUEST}")
