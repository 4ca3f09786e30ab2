"""put and get wait in a loop with wait(timeout), giving the whole timeout again after
every wake-up that finds nothing for them: a waiter that is notified often enough (by
other producers and consumers, or spuriously) never times out.

Source: the mpv commit that fixed exactly this
(https://git.redxen.eu/RepoMirrors/mpv/commits/commit/2705c667998ac860fc443f282def006fcbb4abe5/osdep/threads.h:
"If this function is used by another higher level function, which uses a relative
timeout, we actually have to reduce the timeout on each iteration"), and Python docs,
threading.Condition.wait_for, which keeps one deadline for all its waits.
Caught by: test_put_waits_while_full_and_goes_on_when_a_slot_frees, test_get_waits_while_empty_and_wakes_when_an_item_arrives
Says: started its timeout again
"""

from kata.runner import load_reference

load_reference("13_conditions", globals())  # everything as in the reference solution, except:


def put(self, item, timeout=None):
    with self._condition:
        while not self._closed and len(self._items) >= self._capacity:
            if not self._condition.wait(timeout):  # the whole timeout, every time
                raise TimeoutError(f"the buffer stayed full for {timeout} s")
        if self._closed:
            raise Closed("put on a closed buffer")
        self._items.append(item)
        self._condition.notify_all()


def get(self, timeout=None):
    with self._condition:
        while not self._items and not self._closed:
            if not self._condition.wait(timeout):  # the whole timeout, every time
                raise TimeoutError(f"the buffer stayed empty for {timeout} s")
        if self._items:
            item = self._items.popleft()
            self._condition.notify_all()
            return item
        raise Closed("get on a closed, empty buffer")


BoundedBuffer.put = put
BoundedBuffer.get = get
