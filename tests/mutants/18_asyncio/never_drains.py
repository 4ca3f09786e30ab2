"""Writes without ever awaiting drain(): a client that does not read makes the server
pile its whole echo up in memory.

Caught by: test_a_large_echo_to_a_slow_reader_is_paced_by_drain
Says: backpressure
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)  # no drain: the transport's buffer grows without bound
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
