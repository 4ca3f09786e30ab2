"""doubled_in_child unlinks the segment only on the way out of a success: when the
child fails and ChildProcessError is raised, the segment is left behind.

Caught by: test_a_failed_child_raises_and_the_segment_is_still_unlinked
Says: after the child failed
Caught on: linux, macos (why not on Windows: a segment is freed there once every handle to it is closed, and unlink() does nothing)
"""

from kata.runner import load_reference

load_reference("09_shared_memory", globals())  # everything as in the reference solution, except:


def doubled_in_child(numbers):
    count = len(numbers)
    segment = shared_memory.SharedMemory(create=True, size=8 * count)
    struct.pack_into(f"{count}q", segment.buf, 0, *numbers)
    child = multiprocessing.Process(target=double_in_place, args=(segment.name, count))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise ChildProcessError(f"the child ended with exit code {child.exitcode}")
    doubled = list(struct.unpack_from(f"{count}q", segment.buf))
    segment.close()
    segment.unlink()
    return doubled
