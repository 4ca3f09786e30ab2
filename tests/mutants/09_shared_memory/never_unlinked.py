"""doubled_in_child closes the segment but never unlinks it: closing only lets go of
this process's view, and the segment stays in /dev/shm after every process is gone.

Caught by: test_doubled_in_child_passes_numbers_through_shared_memory, test_a_failed_child_raises_and_the_segment_is_still_unlinked
Says: unlinks it
Caught on: linux, macos (why not on Windows: a segment is freed there once every handle to it is closed, and unlink() does nothing)
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
        if child.exitcode != 0:
            raise ChildProcessError(f"the child ended with exit code {child.exitcode}")
        return list(struct.unpack_from(f"{count}q", segment.buf))
    finally:
        segment.close()
