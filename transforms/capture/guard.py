"""The guard: a SOCKS5 proxy on loopback that every connection of the browser goes through while it
captures a live source. It asks the source's policy where each host:port may go (resolved and checked
once, see network.Pins) and connects to exactly that address, or refuses; so no page reaches an address
it was not allowed, over HTTP, WebSocket or a bare preconnect, and DNS cannot answer differently later."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Decide = Callable[[str, int], tuple[str | None, str | None]]  # host, port -> (address, why not)
CONNECT_TIMEOUT_S = 15
# SOCKS5 (RFC 1928) reply codes
SUCCEEDED, NOT_ALLOWED, UNREACHABLE, UNSUPPORTED = 0, 2, 4, 7


def _reply(code: int) -> bytes:
    return bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0])


async def _target(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int] | None:
    """The host and port a client asks to CONNECT to (no authentication), or None after a refusal."""
    version, count = await reader.readexactly(2)
    methods = await reader.readexactly(count)
    if version != 5 or 0 not in methods:
        writer.write(b"\x05\xff")
        return None
    writer.write(b"\x05\x00")
    _, command, _, kind = await reader.readexactly(4)
    if kind == 1:
        host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
    elif kind == 4:
        host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
    elif kind == 3:
        host = (await reader.readexactly((await reader.readexactly(1))[0])).decode("ascii", "replace")
    else:
        writer.write(_reply(UNSUPPORTED))
        return None
    port = int.from_bytes(await reader.readexactly(2), "big")
    if command != 1:  # only CONNECT: no BIND, no UDP
        writer.write(_reply(UNSUPPORTED))
        return None
    return host, port


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()


@dataclass
class Guard:
    decide: Decide
    refused: list[str] = field(default_factory=list)  # "host:port: why", in the order asked
    connected: list[tuple[str, int, str]] = field(default_factory=list)  # host, port, address

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = None
        try:
            target = await _target(reader, writer)
            if target is None:
                return
            host, port = target
            address, why = await asyncio.to_thread(self.decide, host, port)
            if address is None:
                self.refused.append(f"{host}:{port}: {why}")
                writer.write(_reply(NOT_ALLOWED))
                return
            try:
                up_reader, upstream = await asyncio.wait_for(
                    asyncio.open_connection(address, port), CONNECT_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                writer.write(_reply(UNREACHABLE))
                return
            self.connected.append((host, port, address))
            writer.write(_reply(SUCCEEDED))
            await writer.drain()
            pipes = [
                asyncio.ensure_future(_pipe(reader, upstream)),
                asyncio.ensure_future(_pipe(up_reader, writer)),
            ]
            _, pending = await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass  # the client or the server went away
        finally:
            for stream in (writer, upstream):
                if stream is not None:
                    stream.close()


@contextlib.contextmanager
def guard(decide: Decide) -> Iterator[tuple[Guard, int]]:
    """Run a guard on 127.0.0.1 at a free port in a thread of its own; yields it and its port."""
    keeper = Guard(decide)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="guard", daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(
        asyncio.start_server(keeper.handle, "127.0.0.1", 0), loop
    ).result()
    try:
        yield keeper, server.sockets[0].getsockname()[1]
    finally:
        asyncio.run_coroutine_threadsafe(_stop(server), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


async def _stop(server: asyncio.Server) -> None:
    server.close()
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_default_executor()
