"""A minimal browser for the load test: cookies, CSRF tokens from forms, and what a TLS proxy adds.

The app runs in production mode behind what would be an HTTPS reverse proxy, so every request
carries X-Forwarded-Proto: https, and a form POST carries Origin and Referer as a browser
sends them; the session and CSRF cookies are Secure, and are sent back as a browser behind
that proxy would. One connection per request (gunicorn's sync workers close it anyway).
"""

import http.client
import re
import secrets
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int  # 0 when no HTTP answer came (refused, reset, timed out)
    location: str
    body: bytes
    seconds: float
    error: str = ""

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def csrf_token(self):
        match = CSRF_FIELD.search(self.text)
        return match[1] if match else None


def multipart(fields, files):
    """(body, content type) of a multipart/form-data POST: text fields and {name: (filename, bytes)}."""
    boundary = f"govtasks-{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    def __init__(self, base_url, timeout=20):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.hostname}:{parts.port}"
        self.timeout = timeout
        self.cookies = {}

    def request(self, method, path, form=None, referer=None, files=None):
        headers = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", "User-Agent": "govtasks-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if files is not None:
            body, headers["Content-Type"] = multipart(form or {}, files)
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        elif form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + (referer or path)
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            return Answer(0, "", b"", time.monotonic() - started, error=f"{type(error).__name__}: {error}")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.headers.get("Location", ""), data, time.monotonic() - started)

    def get(self, path):
        return self.request("GET", path)

    def submit(self, path, fields):
        """GET the form at `path`, then POST `fields` with its CSRF token, as a browser would."""
        page = self.get(path)
        token = page.csrf_token()
        if page.status != 200 or token is None:
            return page, None
        return page, self.request("POST", path, form={"csrfmiddlewaretoken": token, **fields}, referer=path)

    def upload(self, path, field, filename, content):
        """GET the upload form at `path`, then POST the file as `field` with its CSRF token."""
        page = self.get(path)
        token = page.csrf_token()
        if page.status != 200 or token is None:
            return page, None
        answer = self.request(
            "POST", path, form={"csrfmiddlewaretoken": token}, referer=path, files={field: (filename, content)}
        )
        return page, answer

    def log_in(self, username, password):
        _page, answer = self.submit("/accounts/login/", {"username": username, "password": password})
        return answer is not None and answer.status == 302 and "/accounts/login/" not in answer.location
