"""A self-signed certificate for 127.0.0.1, so the stand-in and the benchmarks serve HTTPS."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path


@functools.cache
def self_signed_certificate() -> tuple[str, str]:
    """(certificate, key) files for 127.0.0.1, made once per test run with openssl."""
    folder = Path(tempfile.mkdtemp(prefix="iwg-tls-"))
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        (
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
        ).split()
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)
