"""time.sleep() in the handler "to let more data arrive": it stops the whole event loop,
so every other client waits too.

Caught by: test_serves_fifty_clients_at_once
Says: time.sleep()
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:

import time


async def handle_echo(reader, writer):
    try:
        while True:
            time.sleep(0.05)  # blocks the thread, and with it every coroutine of the loop
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
