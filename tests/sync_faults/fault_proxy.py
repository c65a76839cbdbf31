"""A fault-injecting HTTP/1.1 proxy for the sync tests: client -> proxy -> real uvicorn server.

It speaks just enough HTTP to see request boundaries on a keep-alive connection, so a fault hits
one *request*, not a whole TCP stream: each request is forwarded on its own upstream connection
and its answer re-framed with a Content-Length. Faults are scripted per request, either from a
queue (the next request matching a method/path gets the next fault) or by a rule (a function of
the request). What a fault does, and what the server has committed by then:

| fault          | server saw the request? | client gets                                      |
|----------------|-------------------------|--------------------------------------------------|
| drop_request   | no                      | connection closed, no answer                     |
| drop_response  | yes (committed)         | connection closed, no answer                     |
| duplicate      | twice                   | the second answer                                |
| delay          | yes (committed)         | the answer, `seconds` late                       |
| reset_request  | half a body, then RST   | connection reset                                 |
| reset_response | yes (committed)         | headers and half the body, then RST              |
| status         | no                      | 500/429/503 (optional Retry-After)               |
| truncate       | yes (committed)         | full Content-Length, half the body, then FIN     |
| garbage        | yes (committed)         | 200 with a body that is not JSON                 |

Plain threads (one per client connection): the proxy also runs while the test's own thread is
blocked inside a synchronous client.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

HeaderList = list[tuple[str, str]]


class Kind(Enum):
    PASS = "pass"
    DROP_REQUEST = "drop_request"
    DROP_RESPONSE = "drop_response"
    DUPLICATE = "duplicate"
    DELAY = "delay"
    RESET_REQUEST = "reset_request"
    RESET_RESPONSE = "reset_response"
    STATUS = "status"
    TRUNCATE = "truncate"
    GARBAGE = "garbage"


@dataclass(frozen=True, slots=True)
class Fault:
    kind: Kind
    seconds: float = 0.0  # delay
    status: int = 500  # status
    retry_after: int | None = None  # status: Retry-After header (seconds)
    code: str = "internal_error"  # status: the ErrorBody code

    @classmethod
    def status_answer(
        cls, status: int, retry_after: int | None = None, code: str = "internal_error"
    ) -> Fault:
        return cls(Kind.STATUS, status=status, retry_after=retry_after, code=code)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        return cls(Kind.DELAY, seconds=seconds)


PASS = Fault(Kind.PASS)

# one of each fault, for tests that run "under every fault"
EVERY_FAULT: tuple[Fault, ...] = (
    Fault(Kind.DROP_REQUEST),
    Fault(Kind.DROP_RESPONSE),
    Fault(Kind.DUPLICATE),
    Fault.delay(0.4),
    Fault(Kind.RESET_REQUEST),
    Fault(Kind.RESET_RESPONSE),
    Fault.status_answer(500),
    Fault.status_answer(429, retry_after=1),
    Fault.status_answer(503, retry_after=1),
    Fault(Kind.TRUNCATE),
    Fault(Kind.GARBAGE),
)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str  # without the query string
    target: str
    headers: HeaderList
    body: bytes


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the proxy handled it (for assertions and failure messages)."""

    method: str
    path: str
    fault: Kind
    upstream_status: int | None  # the server's last answer, None when it gave none


class ConnectionGone(Exception):
    pass


class _Stream:
    """Buffered reads from a socket, by delimiter or length."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def until(self, delim: bytes, limit: int = 1 << 20) -> bytes | None:
        """Up to and including `delim`; None at a clean end of stream before any byte."""
        while delim not in self.buf:
            if len(self.buf) > limit:
                raise ConnectionGone("header too large")
            if not self._fill():
                if self.buf:
                    raise ConnectionGone("stream ended inside a header")
                return None
        head, _, self.buf = self.buf.partition(delim)
        return head + delim

    def exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionGone("stream ended inside a body")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def rest(self) -> bytes:
        while self._fill():
            pass
        data, self.buf = self.buf, b""
        return data


def _parse_head(head: bytes) -> tuple[str, HeaderList]:
    lines = head.decode("latin-1").split("\r\n")
    headers: HeaderList = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return lines[0], headers


def _header(headers: HeaderList, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _read_body(stream: _Stream, headers: HeaderList, to_eof: bool) -> bytes:
    if (_header(headers, "transfer-encoding") or "").lower() == "chunked":
        body = b""
        while True:
            size_line = stream.until(b"\r\n")
            if size_line is None:
                raise ConnectionGone("stream ended inside a chunked body")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while stream.until(b"\r\n") not in (b"\r\n", None):
                    pass  # trailers
                return body
            body += stream.exact(size)
            stream.exact(2)
    length = _header(headers, "content-length")
    if length is not None:
        return stream.exact(int(length))
    return stream.rest() if to_eof else b""


def _frame(start: str, headers: HeaderList, body: bytes, extra: HeaderList | None = None) -> bytes:
    """Start line + headers (hop-by-hop and length replaced) + body, Content-Length framed."""
    skip = {"connection", "content-length", "transfer-encoding", "keep-alive"}
    kept = [(k, v) for k, v in headers if k.lower() not in skip]
    kept += (extra or []) + [("Content-Length", str(len(body)))]
    head = start + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in kept) + "\r\n"
    return head.encode("latin-1") + body


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN (SO_LINGER with a zero timeout)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


@dataclass
class _Answer:
    start: str
    headers: HeaderList
    body: bytes

    @property
    def status(self) -> int:
        return int(self.start.split(" ", 2)[1])


@dataclass
class _Queued:
    fault: Fault
    method: str | None
    path: str | None

    def matches(self, request: Request) -> bool:
        if self.method is not None and request.method != self.method:
            return False
        return self.path is None or request.path == self.path


@dataclass
class FaultProxy:
    """Listens on 127.0.0.1 (ephemeral port); `upstream` may be changed at any time (a server
    restarted on another port), so clients keep talking to `url`."""

    upstream: tuple[str, int]
    rule: Callable[[Request], Fault | None] | None = None
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Queued] = []
        self._clients: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        self._thread.start()

    @classmethod
    def to(cls, base_url: str) -> FaultProxy:
        host, _, port = base_url.removeprefix("http://").rstrip("/").partition(":")
        return cls((host, int(port)))

    def point_to(self, base_url: str) -> None:
        host, _, port = base_url.removeprefix("http://").rstrip("/").partition(":")
        self.upstream = (host, int(port))

    # scripting

    def enqueue(self, *faults: Fault, method: str | None = None, path: str | None = None) -> None:
        """The next requests matching method/path (None: any) get these faults, in order."""
        with self._lock:
            self._queue.extend(_Queued(f, method, path) for f in faults)

    def pending_faults(self) -> int:
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
        self.rule = None

    def faults_applied(self) -> list[Kind]:
        with self._lock:
            return [s.fault for s in self.seen if s.fault is not Kind.PASS]

    def _choose(self, request: Request) -> Fault:
        with self._lock:
            for i, queued in enumerate(self._queue):
                if queued.matches(request):
                    del self._queue[i]
                    return queued.fault
        rule = self.rule
        chosen = rule(request) if rule is not None else None
        return chosen or PASS

    # serving

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        with self._lock:
            clients = list(self._clients)
        for sock in clients:
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._clients.add(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        stream = _Stream(sock)
        try:
            while not self._stopping.is_set():
                head = stream.until(b"\r\n\r\n")
                if head is None:
                    break
                start, headers = _parse_head(head)
                method, target, _ = start.split(" ", 2)
                body = _read_body(stream, headers, to_eof=False)
                request = Request(method, target.split("?", 1)[0], target, headers, body)
                if not self._handle(sock, request):
                    return  # the fault closed or reset the connection
                if (_header(headers, "connection") or "").lower() == "close":
                    break
        except (ConnectionGone, OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._clients.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def _record(self, request: Request, fault: Fault, answer: _Answer | None) -> None:
        with self._lock:
            self.seen.append(
                Seen(request.method, request.path, fault.kind, answer.status if answer else None)
            )

    def _handle(self, sock: socket.socket, request: Request) -> bool:
        """Answer one request under its fault; False when the client connection is gone."""
        fault = self._choose(request)
        kind = fault.kind
        if kind is Kind.DROP_REQUEST:
            self._record(request, fault, None)
            sock.close()
            return False
        if kind is Kind.STATUS:
            self._record(request, fault, None)
            extra: HeaderList = [("Content-Type", "application/json")]
            if fault.retry_after is not None:
                extra.append(("Retry-After", str(fault.retry_after)))
            body = (
                f'{{"code":"{fault.code}","message":"injected by the fault proxy",'
                '"correlation_id":"fault-proxy"}'
            ).encode()
            sock.sendall(_frame(f"HTTP/1.1 {fault.status} Injected", [], body, extra))
            return True
        if kind is Kind.RESET_REQUEST:
            self._forward_half(request)
            self._record(request, fault, None)
            _reset(sock)
            return False
        answer = self._forward(request)
        if kind is Kind.DUPLICATE:
            answer = self._forward(request)
        self._record(request, fault, answer)
        if kind is Kind.DROP_RESPONSE:
            sock.close()
            return False
        if kind is Kind.DELAY:
            time.sleep(fault.seconds)
        if kind is Kind.GARBAGE:
            garbage = b"\x00\xff<html>not json at all{{{"
            sock.sendall(_frame("HTTP/1.1 200 OK", [("Content-Type", "application/json")], garbage))
            return True
        framed = _frame(answer.start, answer.headers, answer.body)
        if kind is Kind.RESET_RESPONSE:
            sock.sendall(framed[: len(framed) - max(1, len(answer.body) // 2)])
            _reset(sock)
            return False
        if kind is Kind.TRUNCATE:
            sock.sendall(framed[: len(framed) - max(1, len(answer.body) // 2)])
            sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            return False
        sock.sendall(framed)
        return True

    def _upstream_request(self, request: Request) -> bytes:
        host = f"{self.upstream[0]}:{self.upstream[1]}"
        headers = [(k, v) for k, v in request.headers if k.lower() != "host"]
        return _frame(
            f"{request.method} {request.target} HTTP/1.1",
            headers,
            request.body,
            [("Host", host), ("Connection", "close")],
        )

    def _forward(self, request: Request) -> _Answer:
        """Send the request on a new upstream connection and read the whole answer; a server
        that is down answers 502 (as a real reverse proxy would)."""
        try:
            with socket.create_connection(self.upstream, timeout=60) as up:
                up.sendall(self._upstream_request(request))
                stream = _Stream(up)
                head = stream.until(b"\r\n\r\n")
                if head is None:
                    raise ConnectionGone("upstream closed without an answer")
                start, headers = _parse_head(head)
                body = _read_body(stream, headers, to_eof=True)
                return _Answer(start, headers, body)
        except (OSError, ConnectionGone):
            return _Answer("HTTP/1.1 502 Bad Gateway", [("Content-Type", "text/plain")], b"down")

    def _forward_half(self, request: Request) -> None:
        """Headers and half the body upstream, then RST: the server never gets the request."""
        data = self._upstream_request(request)
        cut = len(data) - max(1, len(request.body) // 2)
        try:
            up = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            return
        try:
            up.sendall(data[:cut])
            time.sleep(0.05)
        except OSError:
            pass
        _reset(up)
