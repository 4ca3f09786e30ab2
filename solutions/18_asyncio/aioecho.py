"""18_asyncio: today's coroutines. An echo server on asyncio streams, and a gather that
runs at most ``limit`` coroutines at once.

Reference solution. One event loop, in one thread, runs every coroutine: each ``await``
is a point where a coroutine that has to wait hands the loop back, and the loop resumes
whichever coroutine's socket (or event, or timer) is ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

CHUNK = 64 * 1024  # the most one read() returns


async def handle_echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Serve one client: send back every byte it sends, until it closes its side.

    Read what has arrived (``await reader.read(n)``), write it back and ``await
    writer.drain()`` so that a slow reader slows this client down instead of piling its
    echo up in memory. ``read`` returns ``b""`` when the client has finished sending.
    Whatever happens (end of input, a reset connection, cancellation), close the writer
    and ``await writer.wait_closed()`` before returning. Never block: no ``time.sleep``,
    no blocking socket calls; every wait is an ``await``.
    """
    try:
        while True:
            data = await reader.read(CHUNK)  # whatever has arrived, up to CHUNK bytes
            if not data:  # b"": the client shut down its sending side (EOF)
                break
            writer.write(data)  # buffered in the transport, never blocks
            # Wait while the transport's buffer is above its high-water mark: a client
            # that reads slowly makes us read slowly too, so memory stays bounded.
            await writer.drain()
    except ConnectionError:
        pass  # the client reset the connection: nothing more to do for it
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass  # closing a reset connection reports the reset again


async def start_echo_server(host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start serving ``handle_echo`` on ``host:port`` and return the ``asyncio.Server``.

    Port 0 lets the system choose a free port; the caller finds it in
    ``server.sockets[0].getsockname()``. The server accepts clients as soon as this
    returns, in the event loop that awaited it; the caller closes it.
    """
    return await asyncio.start_server(handle_echo, host, port)


async def gather_throttled(
    factories: Iterable[Callable[[], Awaitable[Any]]], limit: int
) -> list[Any]:
    """Run every coroutine the factories make, at most ``limit`` at once; their results in order.

    ``factories`` are callables without arguments, each returning a coroutine (or other
    awaitable): call one only when a slot is free, so that no more than ``limit`` have
    been called and not yet finished. The result is the list of what each awaitable
    returned, in the order of ``factories`` (not the order they finished in). If one
    raises, that exception propagates at once and the others are cancelled: nothing
    keeps running after this returns. ``limit`` below 1 raises ``ValueError``.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    # One semaphore for the whole call, shared by every task: it admits `limit` holders.
    slots = asyncio.Semaphore(limit)

    async def run_one(factory: Callable[[], Awaitable[Any]]) -> Any:
        async with slots:  # wait here for a free slot; released however the body ends
            return await factory()  # the factory is called only once the slot is ours

    tasks = [asyncio.ensure_future(run_one(factory)) for factory in factories]
    try:
        # gather keeps the order of its arguments, and raises the first exception as
        # soon as it happens.
        return await asyncio.gather(*tasks)
    finally:
        # After an exception (or if we are cancelled ourselves), the others would run on
        # unseen: cancel them, and wait until they have really finished.
        for task in tasks:
            task.cancel()  # does nothing to a task that has already finished
        await asyncio.gather(*tasks, return_exceptions=True)
