"""doubled_in_child never looks at the child's exit code: when the child fails, it
returns the numbers as the child left them, as if they were doubled.

Caught by: test_a_failed_child_raises_and_the_segment_is_still_unlinked
Says: Check the child's exit code
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def doubled_in_child(numbers):
    count = len(numbers)
    segment = shared_memory.SharedMemory(create=True, size=8 * count)
    try:
        struct.pack_into(f"{count}q", segment.buf, 0, *numbers)
        child = multiprocessing.Process(target=double_in_place, args=(segment.name, count))
        child.start()
        child.join()
        return list(struct.unpack_from(f"{count}q", segment.buf))
    finally:
        segment.close()
        segment.unlink()
