"""reader.read() without a size waits for the end of the input: nothing is echoed while
the client is still talking and waiting for its answer.

Caught by: test_echoes_each_message_and_closes_when_the_client_is_done, test_serves_fifty_clients_at_once
Says: reader.read() with no argument
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        data = await reader.read()  # everything, i.e. only once the client has closed
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
