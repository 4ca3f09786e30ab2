"""Returns at the end of the input without closing the writer: the connection stays open
and the client never learns that the server is done with it.

Caught by: test_echoes_each_message_and_closes_when_the_client_is_done
Says: writer.close()
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    # no writer.close(), no wait_closed()
