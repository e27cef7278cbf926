"""What the benchmarks share: a free loopback port, and a browser-like client that signs in and uploads
a transcript through the admin's web form (CSRF tokens, preview, confirmation), as a person would."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = "----bench" + os.urandom(8).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: text/vtt\r\n\r\n'
    parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def token(html: bytes, name: str = "csrf_token") -> str:
    return re.search(rb'name="' + name.encode() + rb'" type="hidden" value="([^"]+)"', html).group(1).decode()


class WebClient:
    """One visitor of one node, with its own cookies."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def fetch(self, path: str, data: bytes | None = None, content_type: str | None = None, timeout: float = 120) -> tuple[int, bytes, float, str]:
        """(status, body, seconds, final URL); HTTP errors are answers, not exceptions."""
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                body, status, url = response.read(), response.status, response.url
        except urllib.error.HTTPError as err:
            body, status, url = err.read(), err.code, path
        return status, body, time.perf_counter() - started, url

    def wait_until_up(self, path: str = "/healthz", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.fetch(path, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.base} did not answer {path} within {timeout:.0f} s")
            time.sleep(0.2)

    def sign_in(self, email: str, password: str) -> None:
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token(self.fetch("/login")[1])}).encode()
        status = self.fetch("/login", form, "application/x-www-form-urlencoded")[0]
        if status != 200:
            raise SystemExit(f"sign-in refused: HTTP {status}")

    def upload_transcript(self, webinar_id: int | str, filename: str, raw: bytes) -> tuple[bytes, float, float]:
        """Upload through the form, then confirm the preview; (preview page, upload seconds, confirmation seconds)."""
        page = f"/admin/webinars/{webinar_id}/transcripts"
        body, kind = multipart({"csrf_token": token(self.fetch(page)[1])}, "file", filename, raw)
        status, preview, upload_s, _ = self.fetch(page, body, kind)
        if status != 200:
            refusal = re.search(rb'<div class="error-summary"[^>]*>(.*?)</div>', preview, re.S)
            raise SystemExit(f"the upload was refused: {re.sub(rb'<[^>]+>', b'', refusal.group(1)).decode().strip() if refusal else status}")
        fields = {"csrf_token": token(preview), "token": token(preview, "token")}
        status, _, confirm_s, _ = self.fetch(f"{page}/confirm", urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")
        if status != 200:
            raise SystemExit(f"the confirmation failed: HTTP {status}")
        return preview, upload_s, confirm_s

    def total_hits(self, query: str) -> int:
        status, body, _, _ = self.fetch("/api/v1/search?" + urllib.parse.urlencode({"q": query}))
        if status != 200:
            return -1
        return int(re.search(rb'"total_hits":\s*(\d+)', body).group(1))
