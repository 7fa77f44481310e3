#!/usr/bin/env python3
"""Ingest throughput: generates a log of N lines (default 1,000,000) in a
temporary workspace — service logs with varying values, 1 % errors with
Python tracebacks, Java stack traces and Go panics — then runs
`failcast ingest` on it twice (the second run must read nothing) and prints
lines per second and the corpus size per million lines.

    python3 scripts/ingest_throughput.py [--lines N] [--bin target/release/failcast]
"""

import argparse
import os
import random
import subprocess
import tempfile
import time


def generate(path, lines):
    rnd = random.Random(7)
    written = 0
    with open(path, "w") as out:
        second = 0
        while written < lines:
            second += 1
            ts = "2026-03-%02dT%02d:%02d:%02dZ" % (
                1 + second // 86400 % 28, second // 3600 % 24, second // 60 % 60, second % 60)
            roll = rnd.random()
            if roll < 0.004:
                out.write(f"{ts} ERROR payments [trace_id={rnd.getrandbits(64):016x}] charge failed\n"
                          "Traceback (most recent call last):\n"
                          f'  File "/srv/app/shop/api.py", line {rnd.choice([12, 13])}, in handle\n'
                          "    return charge(s, amount)\n"
                          '  File "/srv/app/shop/gateway.py", line 6, in charge\n'
                          '    return body["charge"]["id"]\n'
                          "KeyError: 'charge'\n")
                written += 7
            elif roll < 0.007:
                out.write(f"{ts} ERROR [exec-{rnd.randint(1, 9)}] c.s.orders.PriceService - pricing failed\n"
                          f"java.lang.NullPointerException: rate for {rnd.randint(1, 99)} is null\n"
                          "\tat com.shop.orders.TaxTable.apply(TaxTable.java:23)\n"
                          "\tat com.shop.orders.PriceService.price(PriceService.java:58)\n")
                written += 4
            elif roll < 0.01:
                out.write(f"panic: runtime error: index out of range [{rnd.randint(3, 9)}] with length 3\n\n"
                          "goroutine 42 [running]:\n"
                          "main.(*Cart).Item(0xc000010000, 0x5)\n"
                          "\t/go/src/shop/checkout/cart.go:31 +0x1d\n")
                written += 5
            elif roll < 0.6:
                out.write(f"{ts} INFO payments [trace_id={rnd.getrandbits(64):016x}] charge ok "
                          f"order=A-{rnd.randint(1000, 99999)} amount={rnd.randint(1, 500)}.{rnd.randint(0, 99):02d}\n")
                written += 1
            elif roll < 0.9:
                out.write(f"{ts} INFO http: GET /api/orders/{rnd.randint(1, 99999)} 200 {rnd.randint(2, 900)} ms\n")
                written += 1
            else:
                out.write(f"{ts} WARN cache: miss for key user:{rnd.randint(1, 10**6)} after {rnd.randint(1, 50)} ms\n")
                written += 1
    return written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--bin", default=os.environ.get("FAILCAST_BIN", "target/release/failcast"))
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "shop"))
        with open(os.path.join(work, "shop", "gateway.py"), "w") as f:
            f.write('def charge(body):\n    x = 1\n    y = 2\n    z = 3\n    w = 4\n    return body["charge"]["id"]\n')
        open(os.path.join(work, "failcast.toml"), "w").close()
        log = os.path.join(work, "app.log")
        lines = generate(log, args.lines)
        size = os.path.getsize(log)
        start = time.monotonic()
        subprocess.run([binary, "ingest", log], cwd=work, check=True)
        first = time.monotonic() - start
        start = time.monotonic()
        subprocess.run([binary, "ingest", log], cwd=work, check=True)
        second = time.monotonic() - start
        db = os.path.join(work, ".failcast", "corpus.db")
        db_size = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
        print(f"{lines} lines, {size / 1e6:.1f} MB of log")
        print(f"first ingest: {first:.2f} s = {lines / first:,.0f} lines/s (wall, including process start)")
        print(f"second ingest (unchanged): {second:.2f} s")
        print(f"corpus: {db_size / 1e6:.2f} MB = {db_size / 1e6 / (lines / 1e6):.2f} MB per million lines")


if __name__ == "__main__":
    main()
