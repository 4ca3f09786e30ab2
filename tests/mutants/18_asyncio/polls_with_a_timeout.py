"""Waits for input with asyncio.wait_for(reader.read(n), 0.01) in a loop, "so that it can
check on things": each timeout wakes the event loop to find nothing to do, a hundred
times a second per client, idle or not.

Caught by: test_an_idle_server_burns_no_cpu
Says: with no timeout
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while True:
            try:
                data = await asyncio.wait_for(reader.read(CHUNK), 0.01)
            except TimeoutError:  # asyncio.TimeoutError is the builtin from 3.11 on
                continue  # nothing yet: ask again
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
