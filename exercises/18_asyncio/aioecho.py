"""18_asyncio: today's coroutines. An echo server on asyncio streams, and a gather that
runs at most ``limit`` coroutines at once.

Read README.md in this folder, then replace each ``raise NotImplementedError`` below.
Check your work with:  pytest exercises/18_asyncio
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
    raise NotImplementedError


async def start_echo_server(host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start serving ``handle_echo`` on ``host:port`` and return the ``asyncio.Server``.

    Port 0 lets the system choose a free port; the caller finds it in
    ``server.sockets[0].getsockname()``. The server accepts clients as soon as this
    returns, in the event loop that awaited it; the caller closes it.
    """
    raise NotImplementedError


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
    raise NotImplementedError
