#!/usr/bin/env python3
"""Hostile HTTP clients against a server on loopback, for the security tests.

Each case opens raw TCP connections, sends what an attacker or a broken client sends, and
records what came back: the status line (or none), and whether the server closed the
connection, with how long it took. Prints one JSON object: {case: {...}}.

    hostile_client.py PORT [--flood N] [--idle-wait SECONDS]
"""
import json
import socket
import sys
import time


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def answer(s, limit=30.0):
    """Reads until the server closes or `limit` passes: (status line, closed, seconds)."""
    start = time.monotonic()
    s.settimeout(limit)
    data = b""
    closed = False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        closed = isinstance(sys.exc_info()[1], ConnectionResetError)
    status = data.split(b"\r\n", 1)[0].decode("latin-1") if data else None
    body = data.split(b"\r\n\r\n", 1)[1].decode("latin-1") if b"\r\n\r\n" in data else ""
    return {"status": status, "closed": closed, "seconds": round(time.monotonic() - start, 2), "body": body[:300]}


def send_and_read(port, payload, limit=30.0):
    s = connect(port)
    try:
        s.sendall(payload)
        return answer(s, limit)
    finally:
        s.close()


def slow(port, pieces, gap, limit=40.0):
    """Sends `pieces` one at a time `gap` seconds apart, stopping when the server closes."""
    s = connect(port)
    start = time.monotonic()
    try:
        for piece in pieces:
            try:
                s.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
            s.settimeout(gap)
            try:
                data = s.recv(65536)
                if not data:
                    return {"status": None, "closed": True, "seconds": round(time.monotonic() - start, 2), "body": ""}
                rest = answer(s, 5)
                status = data.split(b"\r\n", 1)[0].decode("latin-1")
                return {"status": status, "closed": rest["closed"], "seconds": round(time.monotonic() - start, 2), "body": ""}
            except socket.timeout:
                continue
        result = answer(s, limit)
        result["seconds"] = round(time.monotonic() - start, 2)
        return result
    finally:
        s.close()


def main():
    port = int(sys.argv[1])
    flood = int(sys.argv[sys.argv.index("--flood") + 1]) if "--flood" in sys.argv else 0
    results = {}
    head = b"GET /health/live HTTP/1.1\r\nHost: x\r\n"
    results["big_headers"] = send_and_read(port, head + b"X-Big: " + b"a" * 90000 + b"\r\n\r\n")
    results["cl_and_te"] = send_and_read(port, b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    results["two_cl"] = send_and_read(port, b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}")
    results["garbage_line"] = send_and_read(port, b"\x16\x03\x01 garbage\r\n\r\n")
    results["no_colon"] = send_and_read(port, head + b"NoColonHere\r\n\r\n")
    results["nul_header"] = send_and_read(port, head + b"X-A: a\x00b\r\n\r\n")
    results["bad_chunk"] = send_and_read(port, b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
    results["ws_without_upgrade"] = send_and_read(port, b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    results["good_chunked"] = send_and_read(port, b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    results["good"] = send_and_read(port, b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    # Slowloris: a header line every 2 s, never ending; a body trickling in; an idle keep-alive.
    results["slow_headers"] = slow(port, [head] + [b"X-%d: y\r\n" % i for i in range(40)], 2.0)
    results["slow_body"] = slow(port, [b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"] + [b"x"] * 60, 2.0)
    s = connect(port)
    s.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(10)
    first = s.recv(65536)
    idle = answer(s, 40)
    idle["status"] = first.split(b"\r\n", 1)[0].decode("latin-1")
    results["idle_keep_alive"] = idle
    s.close()
    if flood:
        sockets = []
        refused = 0
        for _ in range(flood):
            try:
                sockets.append(connect(port))
            except OSError:
                refused += 1
        time.sleep(1.0)
        answered_503 = 0
        for s in sockets:
            s.setblocking(False)
            try:
                data = s.recv(4096)
                if data.startswith(b"HTTP/1.1 503"):
                    answered_503 += 1
            except (BlockingIOError, ConnectionResetError):
                pass
        results["flood"] = {"opened": len(sockets), "refused_connect": refused, "answered_503": answered_503}
        # While the flood holds every slot, then after it has gone.
        results["during_flood"] = send_and_read(port, b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10)
        for s in sockets:
            s.close()
        time.sleep(1.0)
        results["after_flood"] = send_and_read(port, b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
