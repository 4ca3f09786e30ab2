"""put and get pass the timeout on only 'if timeout:', so timeout=0 is taken for None:
a call that should only look waits for ever on a full or empty buffer.

Source: CPython issue "multiprocessing.Queue.get(block=True, timeout=0) always raises
queue.Empty" (https://github.com/python/cpython/issues/73168), on what timeout=0 must
mean, and the falsy-zero pitfall of truth-value testing (Python docs, "Truth Value
Testing": zero of any numeric type is false).
Caught by: test_put_waits_while_full_and_goes_on_when_a_slot_frees, test_get_waits_while_empty_and_wakes_when_an_item_arrives
Says: treats 0 like None
"""

from kata.runner import load_reference

load_reference("13_conditions", globals())  # everything as in the reference solution, except:

_reference_put, _reference_get = BoundedBuffer.put, BoundedBuffer.get


def put(self, item, timeout=None):
    return _reference_put(self, item, timeout if timeout else None)


def get(self, timeout=None):
    return _reference_get(self, timeout if timeout else None)


BoundedBuffer.put = put
BoundedBuffer.get = get
