"""Lets ConnectionResetError escape the handler: a client that resets its connection
crashes its handler, and the event loop reports an unhandled exception each time.

Caught by: test_a_client_that_resets_does_not_disturb_the_others
Says: ConnectionResetError
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()
