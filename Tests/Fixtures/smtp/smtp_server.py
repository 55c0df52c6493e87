#!/usr/bin/python3
"""The SMTP server email tests send to: Debian's python3-aiosmtpd (run with /usr/bin/python3, whose
packages apt installs). Prints "PORTS <plain> <starttls> <smtps>" once listening on 127.0.0.1;
exits when its stdin closes.

  plain     no TLS offered: for `smtp://…?tls=none`, and to show a client that requires STARTTLS
            refusing to send in clear
  starttls  STARTTLS required before MAIL; AUTH (after TLS) as user "conveyor", password from
            --password
  smtps     TLS from the first byte (implicit TLS), same AUTH

The certificate is self-signed for localhost and 127.0.0.1, made with openssl at start and written
to SPOOL/cert.pem for the test to trust. Recipients whose address contains "reject" are refused
with 550 5.1.1, those containing "later" with 451 4.3.0. Every accepted message is written to
SPOOL/<n>.json: the envelope (from, recipients), the raw message, and what Python's email parser
reads from it (decoded headers, text and html parts) — an independent check of our encoding.
"""
import argparse
import email
import email.policy
import itertools
import json
import os
import socket
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

COUNTER = itertools.count(1)


class Capture:
    def __init__(self, spool):
        self.spool = spool

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if "later" in address:
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text" and part.get_content_subtype() in ("plain", "html"):
                parts[part.get_content_subtype()] = part.get_content()
        record = {
            "mailFrom": envelope.mail_from,
            "recipients": envelope.rcpt_tos,
            "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
            "authenticated": bool(session.authenticated),
            "headers": [[name, str(value)] for name, value in message.items()],
            "contentType": message.get_content_type(),
            "text": parts.get("plain"),
            "html": parts.get("html"),
            "raw": raw.decode("utf-8", "replace"),
        }
        path = os.path.join(self.spool, "%04d.json" % next(COUNTER))
        with open(path + ".tmp", "w") as file:
            json.dump(record, file)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Queued"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spool", required=True)
    parser.add_argument("--password", default="s3cret-smtp-pw")
    args = parser.parse_args()
    cert, key = os.path.join(args.spool, "cert.pem"), os.path.join(args.spool, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"conveyor" and auth_data.password == args.password.encode()
        return AuthResult(success=ok, handled=False)

    handler = Capture(args.spool)
    ports = [free_port() for _ in range(3)]
    servers = [
        Controller(handler, hostname="127.0.0.1", port=ports[0], server_hostname="localhost"),
        Controller(handler, hostname="127.0.0.1", port=ports[1], server_hostname="localhost", tls_context=context,
                   require_starttls=True, authenticator=authenticate, auth_require_tls=True),
        Controller(handler, hostname="127.0.0.1", port=ports[2], server_hostname="localhost", ssl_context=context,
                   authenticator=authenticate, auth_require_tls=False),
    ]
    for server in servers:
        server.start()
    print("PORTS %d %d %d" % tuple(ports), flush=True)
    sys.stdin.read()  # the test process holds our stdin: when it ends, so do we
    os._exit(0)


if __name__ == "__main__":
    main()
