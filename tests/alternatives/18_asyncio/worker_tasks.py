"""Another right design for gather_throttled: no semaphore, but `limit` worker tasks that
take (index, factory) jobs from an asyncio.Queue until it is empty and put each result
at its index. The number of workers is the limit. And an echo handler that reads
smaller chunks and awaits drain() only when the transport's write buffer holds more
than 16 KiB. (Not writer.writelines: on CPython 3.12.0 to 3.12.2 it never pauses the
protocol, so drain() after it does not wait, and the 1 MiB test rightly fails.)
"""

from kata.runner import load_reference

load_reference("18_asyncio", globals())  # everything as in the reference solution, except:


async def gather_throttled(factories, limit):
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    jobs = asyncio.Queue()
    for job in enumerate(factories):
        jobs.put_nowait(job)
    results = [None] * jobs.qsize()

    async def worker():
        while True:
            try:
                index, factory = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            results[index] = await factory()

    workers = [asyncio.create_task(worker()) for _ in range(min(limit, len(results)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return results


async def handle_echo(reader, writer):
    try:
        while data := await reader.read(4096):
            writer.write(data)
            if writer.transport.get_write_buffer_size() > 16 * 1024:
                await writer.drain()  # drain only when something is piling up
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass
