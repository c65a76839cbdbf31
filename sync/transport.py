"""HTTP to the channel server: headers, timeouts, retries, and one classification of answers.

Every answer is parsed with the strict models of `sync.protocol`; an answer that does not
parse (not JSON, wrong shape, cut short) is treated exactly like a network error: the server
is not usable now, so the register goes offline and keeps its data. Network errors, 5xx and
429 are retried with exponential backoff and full jitter (Retry-After honoured on 429/503,
capped); other 4xx are never retried unchanged and come back as `ServerRefused` with the
server's `ErrorBody`. Sleep, clock and randomness are injectable so tests are fast and exact.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from sync.protocol import (
    CORRELATION_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ErrorBody,
    ErrorCode,
)

log = logging.getLogger("tillpoint.sync")
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class SyncFailure(Exception):
    """A call to the channel server did not produce a usable answer."""

    def __init__(self, message: str, correlation_id: str | None = None) -> None:
        super().__init__(message)
        self.correlation_id = correlation_id


class ServerUnavailable(SyncFailure):
    """Unreachable, timed out, 5xx/429 after retries, or an answer that does not parse:
    the register is offline for now; nothing was lost."""


class ServerRefused(SyncFailure):
    """The server answered a 4xx with a readable error: retrying the same request won't help."""

    def __init__(self, status: int, error: ErrorBody, correlation_id: str | None = None) -> None:
        super().__init__(f"{status} {error.code.value}: {error.message}", correlation_id)
        self.status = status
        self.error = error

    @property
    def code(self) -> ErrorCode:
        return self.error.code


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """attempts: tries in all (1 = no retry). Delay before retry n (1-based) is uniform in
    [0, min(cap, base * 2**(n-1))] (full jitter); a Retry-After on 429/503 replaces it,
    capped at retry_after_cap."""

    attempts: int = 4
    base: float = 0.2
    cap: float = 5.0
    retry_after_cap: float = 30.0

    def delay(self, attempt: int, rand: Callable[[], float]) -> float:
        return float(rand() * min(self.cap, self.base * 2 ** (attempt - 1)))


NO_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True)
class Answer:
    """A classified answer: its status and raw body (parsed by the caller's model)."""

    status: int
    content: bytes
    correlation_id: str
    headers: Mapping[str, str] = field(default_factory=dict)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def new_correlation_id() -> str:
    return "reg-" + uuid.uuid4().hex[:24]


class Transport:
    """One httpx client for one server and device token. Thread-safe (httpx.Client is)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 15.0,
        connect_timeout: float = 3.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
        on_unavailable: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = normalise_url(base_url)
        self.retry = retry or RetryPolicy()
        self._sleep, self._clock, self._rand = sleep, clock, rand
        self._on_unavailable = on_unavailable
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    # ---- the one request path -------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: bytes | None = None,
        accept: tuple[int, ...] = (200,),
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """Send, retrying what may be retried. Returns an answer whose status is in `accept`;
        raises ServerRefused for another 4xx with a readable ErrorBody, ServerUnavailable for
        everything else once the retries are used up."""
        return self._exchange(method, path, params, body, accept, retry, timeout, lambda a: a)

    def call_model(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Mapping[str, str | int] | None = None,
        body: bytes | None = None,
        accept: tuple[int, ...] = (200,),
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
    ) -> tuple[int, M]:
        """`call`, with the body parsed by `model`; an answer that does not parse counts as
        the server being unavailable (and is retried like a network error)."""

        def parse(answer: Answer) -> tuple[int, M]:
            return answer.status, model.model_validate_json(answer.content)

        return self._exchange(method, path, params, body, accept, retry, timeout, parse)

    def call_parsed(
        self,
        method: str,
        path: str,
        parse: Callable[[bytes], T],
        *,
        params: Mapping[str, str | int] | None = None,
        accept: tuple[int, ...] = (200,),
        retry: RetryPolicy | None = None,
    ) -> T:
        """`call`, with the body read by `parse` (which raises pydantic's ValidationError
        for a body that is not what it reads: treated like `call_model` treats garbage)."""
        return self._exchange(
            method, path, params, None, accept, retry, None, lambda a: parse(a.content)
        )

    def _exchange(
        self,
        method: str,
        path: str,
        params: Mapping[str, str | int] | None,
        body: bytes | None,
        accept: tuple[int, ...],
        retry: RetryPolicy | None,
        timeout: float | None,
        parse: Callable[[Answer], T],
    ) -> T:
        policy = retry or self.retry
        headers = {"Content-Type": "application/json"} if body is not None else {}
        last_problem = "no attempt made"
        cid = ""
        for attempt in range(1, max(policy.attempts, 1) + 1):
            cid = new_correlation_id()  # one per request: a retry is a new request in the logs
            headers[CORRELATION_HEADER] = cid
            wait: float | None = None
            try:
                response = self._client.request(
                    method,
                    path,
                    params=params,
                    content=body,
                    headers=headers,
                    timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
                )
                content = response.content
            except httpx.TimeoutException as exc:
                last_problem = f"the server did not answer in time ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last_problem = f"the server could not be reached ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if status in accept:
                    try:
                        return parse(Answer(status, content, cid, response.headers))
                    except ValidationError as exc:
                        last_problem = (
                            f"the server's {status} answer is not valid ({exc.error_count()} "
                            f"problems, first: {_first_error(exc)})"
                        )
                elif status == 429 or status >= 500:
                    last_problem = f"the server answered {status}"
                    if status in (429, 503):
                        wait = retry_after_seconds(
                            response.headers.get("Retry-After"), self._clock()
                        )
                        if wait is not None:
                            wait = min(wait, policy.retry_after_cap)
                elif 400 <= status < 500:
                    error = _error_body(content)
                    if error is None:
                        last_problem = f"the server answered {status} with an unreadable body"
                    else:
                        log.info("%s %s -> %s %s [%s]", method, path, status, error.code, cid)
                        raise ServerRefused(status, error, cid)
                else:  # 1xx/3xx/an unexpected 2xx: not this protocol
                    last_problem = f"the server answered an unexpected {status}"
            log.warning("%s %s attempt %d: %s [%s]", method, path, attempt, last_problem, cid)
            if attempt < policy.attempts:
                self._sleep(policy.delay(attempt, self._rand) if wait is None else wait)
        self._unavailable(last_problem)
        raise ServerUnavailable(last_problem, cid)

    def _unavailable(self, problem: str) -> None:
        if self._on_unavailable is not None:
            self._on_unavailable(problem)


def _error_body(content: bytes) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(content)
    except ValidationError:
        return None


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "?"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return f"{where}: {first.get('msg', '')}"[:200]


def normalise_url(url: str) -> str:
    """The server's base URL without a trailing slash; only http(s) URLs are accepted."""
    text = url.strip().rstrip("/")
    parsed = httpx.URL(text)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"{url!r} is not a server URL (expected http(s)://host[:port])")
    return text
