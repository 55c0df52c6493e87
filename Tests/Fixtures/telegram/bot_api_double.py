#!/usr/bin/env python3
"""A stand-in for the Telegram Bot API (which tests cannot reach): parses each multipart/form-data
request the way Telegram does and answers exactly as the Bot API documents. Prints "PORT <n>"
once listening on 127.0.0.1; exits when its stdin closes.

  POST /bot<TOKEN>/sendVideo   checks the request like Telegram: chat_id and video present,
                               thumbnail "attach://NAME" names an uploaded part, caption at most
                               1024 characters (UTF-16 code units) unless parse_mode is set, the
                               body within --max-upload (else 413). Then gives the token's next
                               scripted answer, or success: a Message with the video's file_id.
  POST /bot<TOKEN>/<other>     404 Not Found (the double only knows sendVideo)
  unknown token                401 Unauthorized

  POST /control/script         {"token": T, "answers": [A, ...]} — answers for T's next requests,
                               each {"status": 200} | {"status": 429, "retry_after": S}
                               | {"status": 400, "migrate_to_chat_id": ID}
                               | {"status": 400|403|413, "description": D} | {"status": 502}
                               Any answer may add "hold": S — the request is recorded at once
                               and answered S seconds later (a worker killed meanwhile).
                               Registers T (any token works once scripted, even with no answers).
  GET  /control/requests?token=T   what T's requests carried: time, method, text fields, and per
                               file part its filename, type, size, SHA-256 and first bytes (hex)

With --bench, sendVideo reads the body without parsing it and answers success at once, so a
benchmark measures the sender, not Python's MIME parser. With --until-killed it ignores stdin and
serves until it gets SIGTERM (for shell scripts that start it in the background).
"""
import email.parser
import email.policy
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_UPLOAD = 50 * 1000 * 1000
BENCH = False
LOCK = threading.Lock()
SCRIPTS = {}   # token -> list of pending answers
REQUESTS = {}  # token -> list of recorded requests
MESSAGE_IDS = {}  # chat -> last message id

BAD_GATEWAY = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/control/requests":
            token = dict(urllib.parse.parse_qsl(url.query)).get("token", "")
            with LOCK:
                recorded = list(REQUESTS.get(token, []))
            return self.send_json(200, recorded)
        self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        if url.path == "/control/script":
            script = json.loads(self.rfile.read(length))
            with LOCK:
                SCRIPTS.setdefault(script["token"], []).extend(script.get("answers", []))
                REQUESTS.setdefault(script["token"], [])
            return self.send_json(200, {"ok": True})
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = parts[0][3:], parts[1]
        with LOCK:
            known = token in REQUESTS
        if not known and not BENCH:
            self.rfile.read(length)
            return self.send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        if method != "sendVideo":
            self.rfile.read(length)
            return self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if BENCH:
            remaining = length
            while remaining > 0:
                remaining -= len(self.rfile.read(min(remaining, 1 << 20)))
            request = {"method": method, "size": length, "fields": {"chat_id": "1"}, "files": {"video": {"size": length}}}
            return self.send_json(200, {"ok": True, "result": sent_message(request)})
        if length > MAX_UPLOAD:
            self.rfile.read(length)
            return self.record_and_answer(token, {"method": method, "size": length, "fields": {}, "files": {}},
                                          {"status": 413})
        body = self.rfile.read(length)
        fields, files = parse_form(self.headers.get("Content-Type", ""), body)
        request = {"method": method, "size": length, "fields": fields, "files": files}
        problem = check_send_video(fields, files)
        if problem:
            return self.record_and_answer(token, request, {"status": 400, "description": problem})
        with LOCK:
            pending = SCRIPTS.get(token, [])
            answer = pending.pop(0) if pending else {"status": 200}
        self.record_and_answer(token, request, answer)

    def record_and_answer(self, token, request, answer):
        request["time"] = time.time()
        request["answer"] = answer["status"]
        with LOCK:
            REQUESTS[token].append(request)
        if answer.get("hold"):
            time.sleep(answer["hold"])
        status = answer["status"]
        if status == 200:
            return self.send_json(200, {"ok": True, "result": sent_message(request)})
        if status >= 500:
            return self.send_raw(status, BAD_GATEWAY, "text/html")
        error = {"ok": False, "error_code": status, "description": answer.get("description") or default_description(status, answer)}
        if "retry_after" in answer:
            error["parameters"] = {"retry_after": answer["retry_after"]}
        if "migrate_to_chat_id" in answer:
            error["parameters"] = {"migrate_to_chat_id": answer["migrate_to_chat_id"]}
        self.send_json(status, error)

    def send_json(self, status, value):
        self.send_raw(status, json.dumps(value).encode(), "application/json")

    def send_raw(self, status, data, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def parse_form(content_type, body):
    head = ("Content-Type: %s\r\n\r\n" % content_type).encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields, files = {}, {}
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename() is None:
            fields[name] = data.decode("utf-8")
        else:
            files[name] = {"filename": part.get_filename(), "type": part.get_content_type(), "size": len(data),
                           "sha256": hashlib.sha256(data).hexdigest(), "head": data[:4].hex()}
    return fields, files


def check_send_video(fields, files):
    """The checks Telegram makes before it accepts a sendVideo request, with its wording."""
    if not fields.get("chat_id"):
        return "Bad Request: chat_id is empty"
    if "video" not in files and not fields.get("video"):
        return "Bad Request: there is no video in the request"
    thumbnail = fields.get("thumbnail", "")
    if thumbnail.startswith("attach://") and thumbnail[len("attach://"):] not in files:
        return "Bad Request: wrong HTTP URL specified"
    caption = fields.get("caption", "")
    if "parse_mode" not in fields and len(caption.encode("utf-16-le")) // 2 > 1024:
        return "Bad Request: message caption is too long"
    return None


def default_description(status, answer):
    if "migrate_to_chat_id" in answer:
        return "Bad Request: group chat was upgraded to a supergroup chat"
    return {
        400: "Bad Request: wrong file identifier/HTTP URL specified",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        413: "Request Entity Too Large",
        429: "Too Many Requests: retry after %s" % answer.get("retry_after", 1),
    }.get(status, "Error")


def sent_message(request):
    fields, files = request["fields"], request["files"]
    chat = fields["chat_id"]
    chat_id = int(chat) if chat.lstrip("-").isdigit() else -1001000000001
    with LOCK:
        MESSAGE_IDS[chat_id] = MESSAGE_IDS.get(chat_id, 0) + 1
        message_id = MESSAGE_IDS[chat_id]
    video = files.get("video", {})
    digest = video.get("sha256", "0" * 64)
    message = {
        "message_id": message_id,
        "from": {"id": 7000000001, "is_bot": True, "first_name": "Conveyor test bot", "username": "conveyor_test_bot"},
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        "date": int(time.time()),
        "video": {
            "duration": int(fields.get("duration", "0")),
            "width": int(fields.get("width", "0")),
            "height": int(fields.get("height", "0")),
            "file_name": video.get("filename"),
            "mime_type": video.get("type"),
            "file_id": "BAACAgIAAxkDAAI" + digest[:24],
            "file_unique_id": "AgAD" + digest[:12],
            "file_size": video.get("size", 0),
        },
    }
    attach = fields.get("thumbnail", "")
    thumb = files.get(attach[len("attach://"):]) if attach.startswith("attach://") else files.get("thumbnail")
    if thumb:
        message["video"]["thumbnail"] = {"file_id": "AAMCAgADGQMAA" + thumb["sha256"][:20], "file_unique_id": "AQAD" + thumb["sha256"][:8],
                                         "file_size": thumb["size"], "width": 320, "height": 180}
    if fields.get("caption"):
        message["caption"] = fields["caption"]
    return message


def main():
    global MAX_UPLOAD, BENCH
    BENCH = "--bench" in sys.argv
    if "--max-upload" in sys.argv:
        MAX_UPLOAD = int(sys.argv[sys.argv.index("--max-upload") + 1])
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128  # tests connect in bursts; the default backlog (5) can overflow
    ThreadingHTTPServer.handle_error = lambda *args: None  # clients that hang up are expected here
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    if "--until-killed" in sys.argv:
        threading.Event().wait()
    sys.stdin.read()  # the test process holds our stdin: when it ends, so do we
    os._exit(0)


if __name__ == "__main__":
    main()
