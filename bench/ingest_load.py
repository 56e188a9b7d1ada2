"""bench_ingest's HTTP load: keep-alive connections driven by one asyncio process; prints JSON.

Run by bench_ingest.py in its own process, so the load neither shares the server's GIL nor the
orchestrator's: `ingest_load.py MODE --port P --count N --clients C [--rate R --seconds S]`,
MODE one of single, keyed, batch, fixed. Besides the rates it reports its own CPU per request
(user + system), which competes with the server on a small machine.
"""
import argparse
import asyncio
import json
import os
import resource
import statistics
import time
import uuid

TOKEN = "bench-token"


def invitation_id(n: int) -> str:
    return f"{n:032x}"


WITHOUT_INVITATIONS = os.environ.get("BENCH_WITHOUT_INVITATIONS") == "1"


def answer(n: int) -> dict:
    """An answer to invitation n, which bench_ingest announced first (its cohort, given again);
    with BENCH_WITHOUT_INVITATIONS=1 an answer that names none (the workload before #11)."""
    body = {"score": n % 5 + 1, "directorate": "Bench", "team": "Desk", "ticket_id": f"B-{n}"}
    return body if WITHOUT_INVITATIONS else {**body, "invitation_id": invitation_id(n)}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Conn:
    """One keep-alive HTTP/1.1 connection; just enough protocol for this bench."""

    def __init__(self, port: int):
        self.port, self.reader, self.writer = port, None, None

    async def post(self, path: bytes, body: bytes, content_type: bytes = b"application/json",
                   extra: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\n%s"
                          b"Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (
                              path, TOKEN.encode(), extra, content_type, len(body), body))
        head = (await self.reader.readuntil(b"\r\n\r\n")).lower()
        at = head.find(b"\r\ncontent-length:")
        length = int(head[at + 17:head.index(b"\r\n", at + 2)]) if at >= 0 else 0
        data = await self.reader.readexactly(length)
        if b"\r\nconnection: close" in head:
            self.writer.close()
            self.writer = None
        return int(head[9:12]), data


async def closed_loop(port: int, bodies: list[bytes], path: bytes, ctype: bytes, clients: int,
                      keyed: bool = False) -> dict:
    """Each of `clients` connections sends the next body as soon as its last one is answered."""
    pending, results, run = enumerate(bodies), [], uuid.uuid4().hex

    async def client():
        conn = Conn(port)
        for n, body in pending:
            extra = b"Idempotency-Key: %s-%d\r\n" % (run.encode(), n) if keyed else b""
            results.append(await conn.post(path, body, ctype, extra))
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return {"elapsed": time.perf_counter() - started, "results": results}


async def open_loop(port: int, rate: int, seconds: float, clients: int) -> dict:
    """Offer `rate` answers/s; each waits for a free connection, latency from its schedule."""
    total, free, latencies, failed = int(rate * seconds), asyncio.Queue(), [], 0
    for _ in range(clients):
        free.put_nowait(Conn(port))
    bodies = [json.dumps(answer(n)).encode() for n in range(total)]

    async def one(n: int, scheduled: float):
        nonlocal failed
        conn = await free.get()
        try:
            status, _ = await conn.post(b"/v1/responses", bodies[n])
        finally:
            free.put_nowait(conn)
        if status == 202:
            latencies.append(time.perf_counter() - scheduled)
        else:
            failed += 1
    start, tasks = time.perf_counter() + 0.1, []
    for n in range(total):
        scheduled = start + n / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))  # the schedule itself
        tasks.append(asyncio.ensure_future(one(n, scheduled)))
    await asyncio.gather(*tasks)
    q = statistics.quantiles(latencies, n=100)
    return {"offered": rate, "achieved": total / (time.perf_counter() - start),
            "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000, "failed": failed}


def run(args) -> dict:
    cpu = cpu_seconds()
    if args.mode in ("single", "keyed"):
        bodies = [json.dumps(answer(n)).encode() for n in range(args.count)]
        out = asyncio.run(closed_loop(args.port, bodies, b"/v1/responses", b"application/json",
                                      args.clients, keyed=args.mode == "keyed"))
        accepted, requests = sum(status == 202 for status, _ in out["results"]), args.count
    elif args.mode == "batch":
        lines = [json.dumps(answer(n)) for n in range(args.count)]
        bodies = ["\n".join(lines[i:i + 1000]).encode() for i in range(0, args.count, 1000)]
        out = asyncio.run(closed_loop(args.port, bodies, b"/v1/responses/batch",
                                      b"application/x-ndjson", args.clients))
        accepted = sum(json.loads(body)["accepted"] for status, body in out["results"] if status == 200)
        requests = len(bodies)
    else:
        result = asyncio.run(open_loop(args.port, args.rate, args.seconds, args.clients))
        return {**result, "client_cpu_us": (cpu_seconds() - cpu) / int(args.rate * args.seconds) * 1e6}
    assert accepted == args.count, f"only {accepted} of {args.count} accepted"
    return {"rate": args.count / out["elapsed"], "client_cpu_us": (cpu_seconds() - cpu) / requests * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["single", "keyed", "batch", "fixed"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
