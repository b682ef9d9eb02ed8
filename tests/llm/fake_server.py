"""A scripted OpenAI-compatible HTTP server on 127.0.0.1, for what a real server won't do on demand.

It answers ``POST /v1/chat/completions`` from a script of ``Answer``\\ s (one per request, in
arrival order; ``default`` once the script is used up) and ``GET /v1/models``. It can refuse
chosen ``response_format`` types (with 400, or with 500 as llama-cpp-python refuses
``json_schema``), check the API
key (401) and the model name (404), delay or hang, answer one request at a time (``serial``,
queueing the rest as llama.cpp does instead of sending 429), and leave out ``usage``. It records every
request body, the highest number of requests in flight at once, and the seconds it spent
answering, so tests can assert retries, concurrency cuts and overhead. It runs in a thread;
use it as a context manager. ``python -m tests.llm.fake_server LATENCY TEXT`` runs it in its own
process (for ``scripts/bench_llm.py``), with ``GET /_stats`` and ``GET /_reset``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One scripted response: a completion (status 200) or an error status with headers."""

    status: int = 200
    text: str = "ok"
    finish_reason: str = "stop"
    usage: bool = True
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def reply(text: str, **kwargs: Any) -> Answer:
    return Answer(text=text, **kwargs)


def json_reply(value: Any, **kwargs: Any) -> Answer:
    return Answer(text=json.dumps(value), **kwargs)


def fenced(value: Any) -> Answer:
    return Answer(text=f"Here you go:\n```json\n{json.dumps(value)}\n```\nAnything else?")


def error(status: int, retry_after: float | None = None, delay: float = 0.0) -> Answer:
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return Answer(status=status, text=f"scripted {status}", headers=headers, delay=delay)


class _Server(ThreadingHTTPServer):
    # the default listen backlog (5) drops SYNs when 16 clients connect at once: a 1 s stall
    request_queue_size = 128


class FakeOpenAIServer:
    """The server; ``base_url`` ends in ``/v1``."""

    def __init__(
        self,
        *,
        models: tuple[str, ...] = ("fake-model",),
        api_key: str | None = None,
        refuse_formats: tuple[str, ...] = (),
        default: Answer | None = None,
        serial: bool = False,
        refuse_status: int = 400,
    ) -> None:
        self.models = models
        self.serial = serial
        self.refuse_status = refuse_status
        self.api_key = api_key
        self.refuse_formats = refuse_formats
        self.default = default or Answer()
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.depths: list[int] = []  # requests in flight at each arrival, this one included
        self.busy_seconds = 0.0
        self._script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._one_at_a_time = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *answers: Answer) -> None:
        with self._lock:
            self._script.extend(answers)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._script.clear()
            self.max_in_flight = 0
            self.busy_seconds = 0.0

    @property
    def count(self) -> int:
        return len(self.requests)

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------ used by the handler
    def _next(self, body: dict[str, Any], key: str | None) -> Answer:
        """Record the request; a refusal (401/404/400) does not use up a scripted answer."""
        with self._lock:
            self.requests.append(body)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.depths.append(self.in_flight)
            refusal = self._refusal(body, key)
            if refusal is not None:
                return refusal
            return self._script.popleft() if self._script else self.default

    def _done(self, seconds: float) -> None:
        with self._lock:
            self.in_flight -= 1
            self.busy_seconds += seconds

    def _refusal(self, body: dict[str, Any], key: str | None) -> Answer | None:
        if self.api_key is not None and key != self.api_key:
            return Answer(status=401, text="Incorrect API key provided")
        if body.get("model") not in self.models:
            return Answer(status=404, text=f"The model `{body.get('model')}` does not exist")
        kind = (body.get("response_format") or {}).get("type")
        if kind == "json_object" and "schema" in body["response_format"]:
            kind = "json_object_schema"
        if kind in self.refuse_formats:
            message = f"validation error: ('body', 'response_format', 'type'): {kind} is not allowed"
            return Answer(status=self.refuse_status, text=message)
        return None

    def _completion(self, body: dict[str, Any], answer: Answer) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "?"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer.text},
                    "finish_reason": answer.finish_reason,
                }
            ],
        }
        if answer.usage:
            prompt = sum(len(m.get("content", "")) for m in body.get("messages", [])) // 4 + 1
            completion = len(answer.text) // 4 + 1
            out["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
        return out


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                pass

        def do_GET(self) -> None:
            if self.path == "/_stats":  # for a benchmark that runs the server in another process
                stats = {"count": server.count, "busy_seconds": server.busy_seconds}
                self._send(200, stats)
            elif self.path == "/_reset":
                server.reset()
                self._send(200, {})
            elif self.path.rstrip("/").endswith("/models"):
                data = [{"id": name, "object": "model", "owned_by": "fake"} for name in server.models]
                self._send(200, {"object": "list", "data": data})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            started = time.monotonic()
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            key = (self.headers.get("Authorization") or "").removeprefix("Bearer ") or None
            answer = server._next(body, key)
            try:
                if answer.delay and server.serial:  # queue like llama.cpp: one request at a time
                    with server._one_at_a_time:
                        server._stopping.wait(answer.delay)
                elif answer.delay:
                    server._stopping.wait(answer.delay)
                if answer.status != 200:
                    payload = {"error": {"message": answer.text, "code": answer.status}}
                    self._send(answer.status, payload, answer.headers)
                else:
                    self._send(200, server._completion(body, answer))
            finally:
                server._done(time.monotonic() - started)

    return Handler


def main() -> None:
    """Serve in the foreground (``python -m tests.llm.fake_server LATENCY``): valid JSON after LATENCY s."""
    import sys

    latency = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
    text = sys.argv[2] if len(sys.argv) > 2 else "ok"
    with FakeOpenAIServer(default=Answer(text=text, delay=latency)) as server:
        print(server.base_url, flush=True)
        server._thread.join()


if __name__ == "__main__":
    main()
