"""Reads line by line (reader.readline()), as many StreamReader examples do: a message
without a newline is never echoed.

Caught by: test_echoes_each_message_and_closes_when_the_client_is_done
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
