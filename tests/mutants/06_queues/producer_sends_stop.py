"""Each producer puts a STOP after its numbers. With more producers than consumers, the
consumers end on the first producers' STOPs while the last producer's numbers are still
coming: those are never taken.

Caught by: test_produce_puts_its_numbers_in_batches_in_order
"""

from kata.runner import load_reference

load_reference("06_queues", globals())  # everything as in the reference solution, except:


_produce = produce


def produce(items, first, count, batch=100, timeout=None):
    _produce(items, first, count, batch, timeout)
    items.put(STOP, timeout=timeout)
