"""A minimal browser for the load test: cookies, CSRF tokens from forms, and what a TLS proxy adds.

The app runs in production mode behind what would be an HTTPS reverse proxy, so every request
carries X-Forwarded-Proto: https, and a form POST carries Origin and Referer as a browser
sends them; the session and CSRF cookies are Secure, and are sent back as a browser behind
that proxy would. One connection per request (gunicorn's sync workers close it anyway).
"""

import http.client
import re
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


class Browser:
    def __init__(self, base_url, timeout=20):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.hostname}:{parts.port}"
        self.timeout = timeout
        self.cookies = {}

    def request(self, method, path, form=None, referer=None):
        headers = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", "User-Agent": "govtasks-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
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

    def log_in(self, username, password):
        _page, answer = self.submit("/accounts/login/", {"username": username, "password": password})
        return answer is not None and answer.status == 302 and "/accounts/login/" not in answer.location
