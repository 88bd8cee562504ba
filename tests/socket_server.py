"""Slack's Socket Mode WebSocket endpoint, played on loopback with the standard library.

Just enough of RFC 6455 for slack_sdk's builtin SocketModeClient (what Bolt's
SocketModeHandler uses): the upgrade handshake, unmasked text frames from the server,
masked frames from the client, pings answered with pongs, and a close.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import time

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class SocketModeServer:
    """Listens on 127.0.0.1; `url` is what `apps.connections.open` hands the bot."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.listener.getsockname()[1]}/link/?ticket=local-ticket"

    def accept(self, timeout: float) -> "WebSocket":
        """The next connection, upgraded; socket.timeout if none comes within `timeout`."""
        self.listener.settimeout(timeout)
        conn, _ = self.listener.accept()
        return WebSocket(conn)

    def close(self) -> None:
        self.listener.close()


class WebSocket:
    def __init__(self, conn: socket.socket, handshake_timeout: float = 5):
        self.conn = conn
        self._buffer = b""
        deadline = time.monotonic() + handshake_timeout
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._recv(deadline)
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.request_line = lines[0]
        self.headers = {
            k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)
        }
        accept = base64.b64encode(hashlib.sha1(self.headers["sec-websocket-key"].encode() + _GUID).digest()).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )

    # --- sending (server frames are never masked) ---------------------------------------

    def send_frame(self, opcode: int, data: bytes) -> None:
        size = len(data)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, size)
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
        self.conn.sendall(header + data)

    def send_json(self, message: dict) -> None:
        self.send_frame(TEXT, json.dumps(message).encode())

    # --- receiving ------------------------------------------------------------------------

    def _recv(self, deadline: float) -> bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("nothing more from the client in time")
        self.conn.settimeout(remaining)
        try:
            chunk = self.conn.recv(65536)
        except socket.timeout:
            raise TimeoutError("nothing more from the client in time") from None
        if not chunk:
            raise ConnectionError("the client closed the connection")
        return chunk

    def _take(self, size: int, deadline: float) -> bytes:
        while len(self._buffer) < size:
            self._buffer += self._recv(deadline)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def receive_frame(self, deadline: float) -> tuple[int, bytes]:
        """One whole (unfragmented) frame: (opcode, unmasked payload)."""
        b1, b2 = self._take(2, deadline)
        size = b2 & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self._take(2, deadline))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._take(8, deadline))
        mask = self._take(4, deadline) if b2 & 0x80 else b"\0\0\0\0"
        data = bytes(byte ^ mask[i % 4] for i, byte in enumerate(self._take(size, deadline)))
        return b1 & 0x0F, data

    def receive_json(self, timeout: float) -> dict:
        """The next text message, answering pings on the way; TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            opcode, data = self.receive_frame(deadline)
            if opcode == PING:
                self.send_frame(PONG, data)
            elif opcode == CLOSE:
                raise ConnectionError("the client sent a close frame")
            elif opcode == TEXT:
                return json.loads(data)

    def close(self) -> None:
        """Drop the connection (no close frame: the client would take it as a cue to reconnect)."""
        self.conn.close()
