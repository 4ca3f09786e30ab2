"""Catches ConnectionError around read() only: a client that hangs up while its echo is
still going out makes drain() raise ConnectionResetError ("Connection lost"), and the
handler dies with an exception the event loop reports ("Unhandled exception in
client_connected_cb").

Source: https://devpeace.com/python/180095/how-to-handle-a-broken-pipe-sigpipe-in-python
("the server will crash because of a broken-pipe error ... when the program tries to send
a response back to a client that is no longer present"), and the Python docs,
asyncio.StreamWriter.drain() (it raises when the connection is lost)
Caught by: test_a_client_that_resets_does_not_disturb_the_others
Says: ConnectionError
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def handle_echo(reader, writer):
    try:
        while True:
            try:
                data = await reader.read(CHUNK)
            except ConnectionError:
                break  # "a reset shows up when reading"
            if not data:
                break
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
