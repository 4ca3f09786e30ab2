"""Busy-waits for input with asyncio.sleep(0): it never blocks the loop, but the loop
never sleeps either, and an idle server burns a whole core.

Caught by: test_an_idle_server_burns_no_cpu
Says: polling
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while True:
            while not reader._buffer and not reader.at_eof():
                await asyncio.sleep(0)  # "is there something yet?", thousands of times a second
            data = await reader.read(CHUNK)
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
