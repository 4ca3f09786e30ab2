"""Calls writer.drain() without await: that only makes a coroutine and drops it, so
nothing waits and the echo piles up as if drain were never called.

Caught by: test_a_large_echo_to_a_slow_reader_is_paced_by_drain
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            writer.drain()  # missing await: a coroutine object, never run
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
