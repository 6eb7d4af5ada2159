"""The gunicorn worker of ``formsvc serve``: a reading stage in front of one render slot.

Rendering is CPU-bound, so each process renders one request at a time. Reading a
request is not: it waits on the client. This worker separates the two.

* **Reading stage.** A process holds up to :data:`CONNECTIONS` connections, each on
  its own thread. A thread reads the whole request — request line, headers and body
  — before the request may enter the app. Every read is bounded by one deadline:
  ``FORMSVC_READ_TIMEOUT`` seconds after accept, extended by one second for every
  ``FORMSVC_READ_MIN_RATE`` bytes received (headers must arrive within the timeout,
  a body at no less than the minimum rate). A client that misses it is answered
  ``408`` (or, if it sent nothing at all, the connection is closed) and never
  reaches the app.
* **Render slot.** One lock per process: a request that has been read whole waits for
  it, then runs through the app and its answer is written. Stalled readers never hold
  it.
* **First come, first served across processes.** A process accepts a new connection
  only while it has nothing read whole (waiting or rendering) and no fresh connection
  whose request is still coming in at once. A connection stops counting as fresh the
  moment a read from it would block, so a stalled client costs no accept time;
  waiting requests therefore stay in the kernel's accept queue, shared by all
  processes, instead of queueing behind one busy process.

The body is buffered up to the largest body limit (``FORMSVC_MAX_BATCH_BYTES`` + 1
bytes); the app's own reader (``views.common.read_body``) then applies each endpoint's
limit and framing checks to the buffered bytes, and a framing error met while
buffering is raised again where the app reads. A body whose Content-Length is over
the largest limit is not read at all: the app refuses it by its length.
"""
from __future__ import annotations

import errno
import io
import json
import selectors
import socket
import threading
import time
from typing import Any

from gunicorn import http, util
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.parser import RequestParser
from gunicorn.workers.gthread import TConn, ThreadWorker

#: Connections one process holds at once: stalled readers, requests waiting for the
#: render slot and the one rendering. Two processes hold twice as many.
CONNECTIONS = 64
#: How long a process waits for a fresh connection's request before it accepts the
#: next one anyway (a reader that finds no data tells it sooner).
FRESH_GRACE = 0.1
#: Seconds one write of an answer may take; a client that stops reading is dropped.
WRITE_TIMEOUT = 60.0
#: Largest single read while buffering a body.
READ_STEP = 1024 * 1024


class RequestTimeout(Exception):
    """The client did not send its whole request before its deadline."""

    def __init__(self, received: int) -> None:
        super().__init__(f"request not complete after {received} bytes")
        self.received = received


class DeadlineReader:
    """The client socket as the request parser sees it: every read bounded by one deadline.

    The deadline is ``timeout`` seconds after the reader was made, plus one second per
    ``min_rate`` bytes received. The first read that would block calls ``on_wait``.
    """

    def __init__(self, sock: socket.socket, timeout: float, min_rate: int, on_wait: Any) -> None:
        self.sock = sock
        self.start = time.monotonic()
        self.timeout = timeout
        self.min_rate = min_rate
        self.on_wait = on_wait
        self.received = 0

    def remaining(self) -> float:
        """Seconds left before the deadline (negative once it has passed)."""
        return self.start + self.timeout + self.received / self.min_rate - time.monotonic()

    def recv(self, size: int) -> bytes:
        try:
            data = self.sock.recv(size, socket.MSG_DONTWAIT)
        except BlockingIOError:
            if self.on_wait is not None:
                self.on_wait()
                self.on_wait = None
            remaining = self.remaining()
            if remaining <= 0:
                raise RequestTimeout(self.received) from None
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(size)
            except TimeoutError:
                raise RequestTimeout(self.received) from None
            finally:
                self.sock.settimeout(None)
        self.received += len(data)
        return data


class BufferedBody:
    """A body read whole before the app runs; a read error met on the way is raised where the app reads."""

    def __init__(self, data: bytes, error: Exception | None) -> None:
        self.data = io.BytesIO(data)
        self.error = error

    def read(self, size: int) -> bytes:
        chunk = self.data.read(size)
        if not chunk and self.error is not None:
            error, self.error = self.error, None
            raise error
        return chunk


def timeout_answer(timeout: float, min_rate: int) -> bytes:
    """The whole ``408`` answer, as an RFC 9457 problem."""
    from .problems import PROBLEM_TYPE

    body = json.dumps({
        "type": PROBLEM_TYPE + "request_timeout", "title": "The request did not arrive in time", "status": 408,
        "detail": f"Send the request line and headers within {timeout:g} s and the body at {min_rate} bytes/s "
                  "or faster.",
    }).encode()
    head = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + body


class ReadFirstWorker(ThreadWorker):  # type: ignore[misc]
    """gthread with a deadline-bound reading stage in front of one render slot per process."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = threading.Lock()
        self.fresh: dict[TConn, float] = {}  # accepted; request still coming in at once
        self.queued = 0  # read whole: waiting for the render slot or holding it
        self.render_slot = threading.Lock()
        self.read_timeout, self.read_min_rate, self.body_limit = 5.0, 64 * 1024, 64 * 1024 * 1024

    # --- settings --------------------------------------------------------------------

    def load_wsgi(self) -> None:
        super().load_wsgi()
        extension = getattr(self.wsgi, "extensions", {}).get("formsvc")
        if extension:
            settings = extension["settings"]
            self.read_timeout = settings.read_timeout
            self.read_min_rate = settings.read_min_rate
            self.body_limit = max(settings.max_batch_bytes, settings.max_case_bytes)

    # --- main thread: accepting ------------------------------------------------------

    def may_accept(self) -> bool:
        """Whether this process should take the next connection now."""
        if self.nr_conns >= self.worker_connections:
            return False
        with self.state:
            if self.queued:
                return False
            now = time.monotonic()
            return all(now - accepted > FRESH_GRACE for accepted in self.fresh.values())

    def poll_timeout(self) -> float:
        with self.state:
            if not self.fresh:
                return 1.0
            first = min(self.fresh.values())
        return min(1.0, max(0.001, first + FRESH_GRACE - time.monotonic()))

    def accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        conn = TConn(self.cfg, client, address, listener.getsockname())
        conn.sock.setblocking(True)
        conn.initialized = True  # plain HTTP/1.x only: TLS and HTTP/2 belong to the proxy in front
        self.nr_conns += 1
        with self.state:
            self.fresh[conn] = time.monotonic()
        self.enqueue_req(conn)

    def run(self) -> None:
        self.poller.register(self.method_queue.fileno(), selectors.EVENT_READ, self.method_queue.run_callbacks)
        while self.alive:
            self.notify()
            self.set_accept_enabled(self.may_accept())
            self.wait_for_and_dispatch_events(timeout=self.poll_timeout())
            if not self.is_parent_alive():
                break
        # stopping: take nothing new, let the connections held finish (readers end by their deadline)
        self.set_accept_enabled(False)
        stop_by = time.monotonic() + self.cfg.graceful_timeout
        while self.nr_conns > 0 and time.monotonic() < stop_by:
            self.notify()
            self.wait_for_and_dispatch_events(timeout=min(1.0, max(0.0, stop_by - time.monotonic())))
        self.tpool.shutdown(wait=False)
        self.poller.close()
        self.method_queue.close()
        for listener in self.sockets:
            listener.close()

    # --- reader threads --------------------------------------------------------------

    def not_fresh(self, conn: TConn) -> None:
        """A read from ``conn`` would block: the main thread may accept the next connection."""
        with self.state:
            was_fresh = self.fresh.pop(conn, None) is not None
        if was_fresh:
            self.method_queue.defer(lambda: None)  # wake the main loop

    def handle(self, conn: TConn) -> bool:
        """Read one request whole, then render it in the slot; always closes the connection."""
        req = None
        queued = False
        reader = DeadlineReader(conn.sock, self.read_timeout, self.read_min_rate, lambda: self.not_fresh(conn))
        try:
            conn.parser = RequestParser(self.cfg, reader, conn.client)
            try:
                req = next(conn.parser)
                self.buffer_body(req, conn, reader)
            except RequestTimeout as exc:
                self.timed_out(conn, exc.received)
                return False
            with self.state:
                self.fresh.pop(conn, None)
                self.queued += 1
                queued = True
            conn.sock.settimeout(WRITE_TIMEOUT)
            with self.render_slot:
                self.handle_request(req, conn)
        except (StopIteration, http.errors.NoMoreData):
            self.log.debug("client closed the connection before a whole request")
        except OSError as exc:
            if isinstance(exc, TimeoutError):
                self.log.info("dropped a client that stopped reading its answer")
            elif exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except Exception as exc:  # noqa: BLE001 - gunicorn answers what it could not parse (400, 431, ...)
            self.handle_error(req, conn.sock, conn.client, exc)
        finally:
            with self.state:
                self.fresh.pop(conn, None)
                if queued:
                    self.queued -= 1
            # closed here, not on the main thread: the linger for the client's FIN must not stop accepting
            util.close_graceful(conn.sock)
        return False

    def finish_request(self, conn: TConn, fs: Any) -> None:
        """Main thread, after ``handle``: the connection is closed already; count it out."""
        self.nr_conns -= 1
        util.close(conn.sock)

    def buffer_body(self, req: Any, conn: TConn, reader: DeadlineReader) -> None:
        """Read the body into memory (at most the largest limit + 1 byte) before the app sees it."""
        body_reader = req.body.reader
        if isinstance(body_reader, LengthReader) and (body_reader.length == 0 or body_reader.length > self.body_limit):
            return  # nothing to read, or the app refuses it by its length alone
        if req._expected_100_continue:
            util.write(conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
            req._expected_100_continue = False
        parts: list[bytes] = []
        size, cap, error = 0, self.body_limit + 1, None
        try:
            while size < cap:
                chunk = req.body.read(min(READ_STEP, cap - size))
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
        except RequestTimeout:
            raise
        except Exception as exc:  # noqa: BLE001 - broken framing: the app's reader names it (400)
            error = exc
        req.body = Body(BufferedBody(b"".join(parts), error))

    def timed_out(self, conn: TConn, received: int) -> None:
        """Answer 408 to a client that sent part of a request in time, close the connection."""
        self.log.info("read timeout: closed a connection after %d bytes of an incomplete request", received)
        if received:
            try:
                conn.sock.settimeout(1.0)
                conn.sock.sendall(timeout_answer(self.read_timeout, self.read_min_rate))
            except OSError:
                pass
        util.close_graceful(conn.sock, timeout=0.5)
