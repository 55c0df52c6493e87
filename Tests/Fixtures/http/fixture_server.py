#!/usr/bin/env python3
"""The local HTTP server download tests talk to: serves files in every way a real server might,
well or badly. Prints "PORT <n>" once listening on 127.0.0.1.

  /files/NAME                  Content-Length, body by sendfile (the fast path benchmarks use)
  /chunked/NAME                Transfer-Encoding: chunked, no length
  /close/NAME                  no length, no chunking: the body ends when the connection closes
  /slow/NAME?rate=B&delay=S    Content-Length, B bytes per 50 ms (after S seconds of silence)
  /stall/NAME?after=B          Content-Length, B bytes, then nothing (the connection stays open)
  /lying-long/NAME             Content-Length claims twice the size, then the connection closes
  /lying-short/NAME            Content-Length claims half the size; the rest is sent anyway
  /generate/N?chunked=1&rate=B N deterministic bytes (bytes i % 251), with a length unless chunked,
                               optionally B bytes per 50 ms
  /status/CODE                 that status with a short text body
  /redirect/N/PATH             N redirects (302) and then PATH
  /redirect-to?url=URL         one redirect to any URL
  /requests                    how many requests were served so far (JSON)
  POST /upload                 parses a multipart/form-data body; answers each part's name,
                               filename, type, size and SHA-256 (JSON)
"""
import argparse
import email.parser
import email.policy
import hashlib
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = "."
COUNT = 0
COUNT_LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        global COUNT
        with COUNT_LOCK:
            COUNT += 1
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = url.path.strip("/").split("/", 1)
        kind, rest = parts[0], (parts[1] if len(parts) > 1 else "")
        try:
            route = getattr(self, "route_" + kind.replace("-", "_"), None)
            if route is None:
                return self.text(404, "no such route\n")
            route(rest, query)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/upload":
            return self.text(404, "no such route\n")
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        head = ("Content-Type: %s\r\n\r\n" % self.headers.get("Content-Type", "")).encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        parts = []
        for part in message.iter_parts():
            data = part.get_payload(decode=True) or b""
            parts.append({
                "name": part.get_param("name", header="content-disposition"),
                "filename": part.get_filename(),
                "type": part.get_content_type(),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "text": data.decode("utf-8", "replace") if part.get_filename() is None else None,
            })
        self.text(200, json.dumps({"parts": parts}), [("X-Body-Size", str(len(body)))])

    # Helpers

    def text(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def content(self, name):
        path = os.path.join(ROOT, os.path.basename(name))
        if not os.path.isfile(path):
            self.text(404, "not found\n")
            return None
        return path

    def head(self, status=200, length=None, chunked=False, close=False, content_type="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.flush()

    @staticmethod
    def type_of(name):
        return {"mp4": "video/mp4", "m4a": "audio/mp4", "webm": "video/webm"}.get(name.rsplit(".", 1)[-1], "application/octet-stream")

    # Routes

    def route_files(self, name, query):
        path = self.content(name)
        if path:
            size = os.path.getsize(path)
            self.head(length=size, content_type=self.type_of(name))
            with open(path, "rb") as file:
                self.connection.sendfile(file)

    def route_chunked(self, name, query):
        path = self.content(name)
        if path:
            self.head(chunked=True, content_type=self.type_of(name))
            with open(path, "rb") as file:
                while block := file.read(64 * 1024):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            self.wfile.write(b"0\r\n\r\n")

    def route_close(self, name, query):
        path = self.content(name)
        if path:
            self.head(close=True, content_type=self.type_of(name))
            with open(path, "rb") as file:
                self.connection.sendfile(file)

    def route_slow(self, name, query):
        path = self.content(name)
        if path:
            rate = int(query.get("rate", "16384"))
            time.sleep(float(query.get("delay", "0")))
            data = open(path, "rb").read()
            self.head(length=len(data), content_type=self.type_of(name))
            for start in range(0, len(data), rate):
                self.wfile.write(data[start:start + rate])
                self.wfile.flush()
                time.sleep(0.05)

    def route_stall(self, name, query):
        path = self.content(name)
        if path:
            data = open(path, "rb").read()
            self.head(length=len(data), content_type=self.type_of(name))
            self.wfile.write(data[:int(query.get("after", "1000"))])
            self.wfile.flush()
            time.sleep(60)

    def route_lying_long(self, name, query):
        path = self.content(name)
        if path:
            data = open(path, "rb").read()
            self.head(length=len(data) * 2, close=True, content_type=self.type_of(name))
            self.wfile.write(data)

    def route_lying_short(self, name, query):
        path = self.content(name)
        if path:
            data = open(path, "rb").read()
            self.head(length=len(data) // 2, close=True, content_type=self.type_of(name))
            self.wfile.write(data)

    def route_generate(self, size, query):
        total = int(size)
        block = bytes(i % 251 for i in range(251 * 261))  # 65511 bytes, a whole number of periods
        chunked = query.get("chunked") == "1"
        rate = int(query.get("rate", "0"))
        self.head(length=None if chunked else total, chunked=chunked)
        sent = 0
        while sent < total:
            start = sent % 251  # continue the pattern where the last piece ended
            piece = block[start:start + min(rate or len(block), len(block) - start, total - sent)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
            if rate:
                self.wfile.flush()
                time.sleep(0.05)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def route_status(self, code, query):
        self.text(int(code), "status %s\n" % code)

    def route_redirect(self, rest, query):
        hops, _, target = rest.partition("/")
        hops = int(hops)
        location = "/redirect/%d/%s" % (hops - 1, target) if hops > 1 else "/" + target
        self.text(302, "redirect\n", [("Location", location)])

    def route_redirect_to(self, rest, query):
        self.text(302, "redirect\n", [("Location", query["url"])])

    def route_requests(self, rest, query):
        self.text(200, json.dumps({"count": COUNT}) + "\n")


def main():
    global ROOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "media"))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    ROOT = args.root
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128  # tests connect in bursts; the default backlog (5) can overflow
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.handle_error = lambda *args: None  # clients that hang up are expected here
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test process holds our stdin: when it ends, so do we
    os._exit(0)


if __name__ == "__main__":
    main()
