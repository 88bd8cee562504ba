"""A Slack Web API on loopback: what the console prints through, and the tests' stand-in.

The bot's WebClient reaches it through SLACK_API_URL exactly as it would reach Slack (Bolt
builds a fresh WebClient per request from that URL, so nothing short of a real HTTP
endpoint can take Slack's place). `response_url`s and file-upload URLs point here too.
Subclasses decide what a call means: `answer()` returns the JSON Slack would.
"""

from __future__ import annotations

import itertools
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

_JSON_FIELDS = ("blocks", "view", "attachments", "metadata")


class LocalSlack:
    """Serves `/api/<method>`, `/response/<id>` and `/upload/<id>` on 127.0.0.1."""

    team_id = "T0LOCAL"
    bot_user_id = "U0IWGBOT"
    idle_seconds = 30.0  # a kept-alive connection silent this long is closed

    def __init__(self, port: int = 0, cert_file: str | None = None, key_file: str | None = None):
        self._ts = itertools.count(1)
        self._files = itertools.count(1)
        self.uploads: dict[str, bytes] = {}
        self.upload_names: dict[str, str] = {}
        self.locales: dict[str, str] = {}  # user ID -> Slack locale (fr-FR); anyone else en-US
        local = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                self.timeout = local.idle_seconds  # an idle kept-alive connection is closed, as servers do
                super().setup()
                # headers and body leave in two writes: without this, a kept-alive client meets
                # Nagle's algorithm against its delayed ACK (40 ms a call), which Slack never shows
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, body, headers = local._route(self.path, self.headers, raw)
                if status == 0:  # a subclass plays a dropped connection: no answer at all
                    self.close_connection = True
                    return
                payload = json.dumps(body).encode() if isinstance(body, dict) else body
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args):  # quiet: tests and the console print what matters
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if cert_file:  # TLS, as Slack serves it: the handshake happens in each connection's own thread
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_file, key_file)
            self.server.socket = context.wrap_socket(
                self.server.socket, server_side=True, do_handshake_on_connect=False
            )
            self.scheme = "https"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-slack", daemon=True
        )

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, key: str = "1") -> str:
        return f"{self.url}response/{key}"

    def start(self) -> "LocalSlack":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- routing -----------------------------------------------------------------------

    def _route(self, path: str, headers, raw: bytes) -> tuple[int, dict | bytes, dict]:
        parsed = urlparse(path)
        parts = parsed.path.strip("/").split("/", 1)
        if parts[0] == "upload" and len(parts) == 2:
            self.uploads[parts[1]] = raw
            return 200, b"OK - " + str(len(raw)).encode(), {}
        args = dict(parse_qsl(parsed.query))
        args.update(_parse_body(headers.get("Content-Type", ""), raw))
        if auth := headers.get("Authorization"):
            args.setdefault("_authorization", auth)
        if parts[0] == "response" and len(parts) == 2:
            return self.on_response(parts[1], args)
        if parts[0] == "api" and len(parts) == 2:
            return self.on_api_call(parts[1], args)
        return 404, {"ok": False, "error": "unknown_path"}, {}

    def _with_locale(self, user: dict, args: dict) -> dict:
        """users.info says a member's locale only when asked (include_locale)."""
        if str(args.get("include_locale", "")).lower() in ("true", "1"):
            return {**user, "locale": self.locales.get(user["id"], "en-US")}
        return user

    def on_api_call(self, method: str, args: dict) -> tuple[int, dict, dict]:
        return 200, self.answer(method, args), {}

    def on_response(self, key: str, args: dict) -> tuple[int, dict | bytes, dict]:
        """A POST to a response_url: Slack answers a bare "ok"."""
        return 200, b"ok", {}

    # --- what Slack would answer ----------------------------------------------------------

    def answer(self, method: str, args: dict) -> dict:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://iwg.slack.com/",
                "team": "IWG",
                "user": "iwg-bot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "B0IWGBOT",
            }
        if method == "conversations.open":
            users = str(args.get("users", ""))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "conversations.info":  # every channel is one the bot is in
            channel = str(args.get("channel", ""))
            return {"ok": True, "channel": {"id": channel, "name": channel.lower(), "is_member": True}}
        if method == "users.info":
            user = str(args.get("user", ""))
            profile = {
                "id": user,
                "name": user.lower(),
                "real_name": user,
                "tz": "UTC",
                "profile": {"display_name": user},
            }
            return {"ok": True, "user": self._with_locale(profile, args)}
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            ts = f"{time.time():.0f}.{next(self._ts):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts", ts), "message_ts": ts}
        if method in ("views.open", "views.push", "views.update", "views.publish"):
            return {"ok": True, "view": {"id": "V0LOCAL", **(args.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._files):08d}"
            self.upload_names[file_id] = str(args.get("filename", file_id))
            return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}
        return {"ok": True}


def _parse_body(content_type: str, raw: bytes) -> dict:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        body = json.loads(raw)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        body = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    else:
        return {"_raw": raw}
    for name in _JSON_FIELDS:  # form-encoded calls carry these as JSON strings
        if isinstance(body.get(name), str) and body[name][:1] in "[{":
            body[name] = json.loads(body[name])
    return body
