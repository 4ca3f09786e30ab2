"""start_echo_server serves a handler bound to another name when the module was
imported (as `from handlers import echo as _serve` would), and that handler writes
without `await writer.drain()`: a client that does not read makes the server pile its
whole echo up in memory. A test that swapped `aioecho.handle_echo` to watch the handler
never saw this one run.

Source: Python docs, asyncio.StreamWriter.write(): "The method should be used along with
the drain() method" (https://docs.python.org/3/library/asyncio-stream.html#asyncio.StreamWriter.write),
and issue 14 of this kata (the handler watched by patching the learner's module)
Caught by: test_a_large_echo_to_a_slow_reader_is_paced_by_drain
Says: backpressure
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def _echo_without_drain(reader, writer):
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)  # buffered; "the transport sends it when it can"
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


_serve = _echo_without_drain  # bound once, at import


async def start_echo_server(host="127.0.0.1", port=0):
    return await asyncio.start_server(_serve, host, port)
