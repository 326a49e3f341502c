#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""fakepool.py - a minimal stratum (Monero/XMRig dialect) pool for tests.

Listens on ADDR:PORT (plain, or TLS with --tls CERT KEY), answers a login with
one RandomX job whose target every hash meets, and accepts every submit. Each
protocol step is logged as one line to --log (login, submit), so a test can
wait for "submit" to know the miner really mined. It never connects anywhere
and ends after --timeout seconds.
"""
import argparse
import json
import socket
import ssl
import sys
import threading
import time

BLOB = "0" * 152  # 76-byte hashing blob, all zero: fine for a fake job
# target 0x051eb851: difficulty ~50, a share every few seconds on one thread
SEED = "00" * 32


def job(n):
    return {"blob": BLOB, "job_id": str(n), "target": "51b81e05",
            "algo": "rx/0", "height": 3000000, "seed_hash": SEED}


def serve(conn, log, lock):
    buf = b""
    n = 1
    with conn:
        while True:
            try:
                data = conn.recv(4096)
            except (OSError, ssl.SSLError):
                return
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                try:
                    req = json.loads(line)
                except ValueError:
                    continue
                method = req.get("method")
                if method == "login":
                    res = {"id": "mw-fake", "job": job(n), "status": "OK"}
                elif method == "submit":
                    res = {"status": "OK"}
                else:
                    res = {"status": "OK"}
                with lock:
                    log.write(f"{method}\n")
                    log.flush()
                out = {"id": req.get("id"), "jsonrpc": "2.0", "error": None, "result": res}
                try:
                    conn.sendall(json.dumps(out).encode() + b"\n")
                except OSError:
                    return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.addr, a.port))
    srv.listen(8)
    srv.settimeout(0.5)
    log = open(a.log, "a")
    lock = threading.Lock()
    log.write("listening\n")
    log.flush()
    end = time.monotonic() + a.timeout
    while time.monotonic() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        if ctx:
            try:
                conn.settimeout(10)
                conn = ctx.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            except (OSError, ssl.SSLError):
                continue
        threading.Thread(target=serve, args=(conn, log, lock), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
