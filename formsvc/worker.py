"""The gunicorn worker of ``formsvc serve``: a reading stage in front of one render slot.

Rendering is CPU-bound, so each process renders one request at a time. Reading a
request is not: it waits on the client. This worker separates the two.

* **Reading stage.** A process holds up to :data:`CONNECTIONS` connections, each on
  its own thread. A thread reads the whole request — request line, headers and body
  — before the request may enter the app. Every read is bounded by one deadline:
  ``FORMSVC_READ_TIMEOUT`` seconds after accept, extended by one second for every
  ``FORMSVC_READ_MIN_RATE`` bytes received (headers must arrive within the timeout,
  a body at no less than the minimum rate), and no pause between bytes may be longer
  than the timeout. A client that misses it is answered ``408`` (or, if it sent
  nothing at all, the connection is closed) and never reaches the app.
* **Render slot.** One render thread per process: a request that has been read whole
  is handed to it (first in, first out), runs through the app there and its answer is
  written. Stalled readers never hold it. Rendering always on the same thread keeps
  the memory flat: with renders spread over the reader threads (each its own malloc
  arena, presumably) the benchmark's RSS grew 86 % under load, with one render thread 6 %.
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
the largest limit is not read at all: the app refuses it by its length. The first
``FORMSVC_MAX_CASE_BYTES`` of every body are buffered freely; beyond that a process
holds at most :data:`BODY_BUDGET_BATCHES` largest bodies' worth at once, and a reader
that cannot get its share within its read deadline is answered ``503`` (Retry-After).

The main loop keeps reporting to the arbiter while a long batch renders (as the stock
gthread worker does; a sync worker would be killed after ``timeout``).
"""
from __future__ import annotations

import errno
import io
import json
import selectors
import socket
import threading
import time
from concurrent import futures
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
#: Largest single read while buffering a body (an eighth of the largest limit if that is less).
READ_STEP = 1024 * 1024
#: Bytes of bodies beyond the single-case limit one process buffers at once, in largest
#: body limits: two whole batches (64 MiB each by default) at a time per process.
BODY_BUDGET_BATCHES = 2


class RequestTimeout(Exception):
    """The client did not send its whole request before its deadline."""

    def __init__(self, received: int) -> None:
        super().__init__(f"request not complete after {received} bytes")
        self.received = received


class BodyBudgetExhausted(Exception):
    """Other large bodies fill this process's buffer budget; the client may retry."""


class ByteBudget:
    """Bytes a process may hold in buffered bodies. A reader waits until the budget is not
    overdrawn, reads one step and then spends what it got, so the overdraft is at most one
    step per reader."""

    def __init__(self, total: int) -> None:
        self.free = total
        self.changed = threading.Condition()

    def wait_available(self, timeout: float) -> bool:
        """Whether the budget is (or, within ``timeout``, becomes) not overdrawn."""
        with self.changed:
            return self.changed.wait_for(lambda: self.free > 0, timeout=max(0.0, timeout))

    def spend(self, size: int) -> None:
        with self.changed:
            self.free -= size

    def give(self, size: int) -> None:
        if size:
            with self.changed:
                self.free += size
                self.changed.notify_all()


class DeadlineReader:
    """The client socket as the request parser sees it: every read bounded by one deadline.

    The deadline is ``timeout`` seconds after the reader was made, plus one second per
    ``min_rate`` bytes received; and no wait for the next bytes may last longer than
    ``timeout`` (a client that sent a lot quickly and then stopped earns no respite).
    The first read that would block calls ``on_wait``.
    """

    def __init__(self, sock: socket.socket, timeout: float, min_rate: int, on_wait: Any) -> None:
        self.sock = sock
        self.start = time.monotonic()
        self.timeout = timeout
        self.min_rate = min_rate
        self.on_wait = on_wait
        self.received = 0

    def remaining(self) -> float:
        """Seconds the next wait may last (at most ``timeout``; negative once the deadline has passed)."""
        return min(self.timeout, self.start + self.timeout + self.received / self.min_rate - time.monotonic())

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


def problem_answer(status: str, code: str, title: str, detail: str, headers: str = "") -> bytes:
    """A whole HTTP answer carrying an RFC 9457 problem, written by the worker itself (no app involved)."""
    from .problems import PROBLEM_TYPE

    body = json.dumps({"type": PROBLEM_TYPE + code, "title": title, "status": int(status.split()[0]),
                       "detail": detail}).encode()
    head = (f"HTTP/1.1 {status}\r\nContent-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n"
            f"{headers}Connection: close\r\n\r\n")
    return head.encode() + body


def timeout_answer(timeout: float, min_rate: int) -> bytes:
    """The ``408`` for a request that did not arrive in time."""
    return problem_answer("408 Request Timeout", "request_timeout", "The request did not arrive in time",
                          f"Send the request line and headers within {timeout:g} s and the body at {min_rate} "
                          f"bytes/s or faster, with no pause longer than {timeout:g} s.")


BUSY_ANSWER = problem_answer("503 Service Unavailable", "busy_reading", "Too many large bodies are arriving",
                             "This instance is reading as many large request bodies as it holds at once. "
                             "Retry in a few seconds.", headers="Retry-After: 5\r\n")


class ReadFirstWorker(ThreadWorker):  # type: ignore[misc]
    """gthread with a deadline-bound reading stage in front of one render slot per process."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = threading.Lock()
        self.fresh: dict[TConn, float] = {}  # accepted; request still coming in at once
        self.queued = 0  # read whole: waiting for the render slot or holding it
        self.render_slot: futures.ThreadPoolExecutor | None = None  # made in the worker process (init_process)
        self.read_timeout, self.read_min_rate = 5.0, 64 * 1024
        self.body_limit, self.free_body = 64 * 1024 * 1024, 256 * 1024
        self.budget = ByteBudget(BODY_BUDGET_BATCHES * self.body_limit)
        self.read_step = READ_STEP

    def init_process(self) -> None:
        self.render_slot = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        super().init_process()

    # --- settings --------------------------------------------------------------------

    def load_wsgi(self) -> None:
        super().load_wsgi()
        extension = getattr(self.wsgi, "extensions", {}).get("formsvc")
        if extension:
            settings = extension["settings"]
            self.read_timeout = settings.read_timeout
            self.read_min_rate = settings.read_min_rate
            self.body_limit = max(settings.max_batch_bytes, settings.max_case_bytes)
            self.free_body = settings.max_case_bytes
            self.budget = ByteBudget(BODY_BUDGET_BATCHES * self.body_limit)
            self.read_step = max(64 * 1024, min(READ_STEP, self.body_limit // 8))

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
        self.render_slot.shutdown(wait=False)
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
        taken = [0]  # bytes of the body budget this request holds
        reader = DeadlineReader(conn.sock, self.read_timeout, self.read_min_rate, lambda: self.not_fresh(conn))
        try:
            conn.parser = RequestParser(self.cfg, reader, conn.client)
            try:
                req = next(conn.parser)
                self.buffer_body(req, conn, reader, taken)
            except RequestTimeout as exc:
                self.timed_out(conn, exc.received)
                return False
            except BodyBudgetExhausted:
                self.log.warning("body budget exhausted: answered 503 to a large body")
                self.answer(conn, BUSY_ANSWER)
                return False
            with self.state:
                self.fresh.pop(conn, None)
                self.queued += 1
                queued = True
            conn.sock.settimeout(WRITE_TIMEOUT)
            # the reader waits (holding no lock, no GIL) while the render thread serves the request
            self.render_slot.submit(self.handle_request, req, conn).result()
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
            if queued:
                self.method_queue.defer(lambda: None)  # the slot is free: accept again before the linger below
            self.budget.give(taken[0])
            # closed here, not on the main thread: the linger for the client's FIN must not stop accepting
            util.close_graceful(conn.sock)
        return False

    def finish_request(self, conn: TConn, fs: Any) -> None:
        """Main thread, after ``handle``: the connection is closed already; count it out."""
        self.nr_conns -= 1
        util.close(conn.sock)

    def buffer_body(self, req: Any, conn: TConn, reader: DeadlineReader, taken: list[int]) -> None:
        """Read the body into memory (at most the largest limit + 1 byte) before the app sees it.

        The first ``max_case_bytes`` of every body are free; beyond that each read waits (as long
        as the read deadline allows, else :class:`BodyBudgetExhausted`) until the process's body
        budget is not overdrawn, then spends what it read (``taken`` counts what this request holds).
        """
        body_reader = req.body.reader
        if isinstance(body_reader, LengthReader) and (body_reader.length == 0 or body_reader.length > self.body_limit):
            return  # nothing to read, or the app refuses it by its length alone
        if req._expected_100_continue:
            util.write(conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
            req._expected_100_continue = False
        parts: list[bytes] = []
        size, cap, error = 0, self.body_limit + 1, None
        if isinstance(body_reader, LengthReader):
            cap = min(cap, body_reader.length)
        try:
            while size < cap:
                step = min(self.read_step, cap - size)
                if size + step > self.free_body and not self.budget.wait_available(0):
                    self.not_fresh(conn)  # waiting for the budget: let the process accept meanwhile
                    if not self.budget.wait_available(reader.remaining()):
                        raise BodyBudgetExhausted()
                chunk = req.body.read(step)
                charged = max(0, size + len(chunk) - self.free_body) - max(0, size - self.free_body)
                self.budget.spend(charged)
                taken[0] += charged
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
        except (RequestTimeout, BodyBudgetExhausted):
            raise
        except Exception as exc:  # noqa: BLE001 - broken framing: the app's reader names it (400)
            error = exc
        req.body = Body(BufferedBody(b"".join(parts), error))

    def timed_out(self, conn: TConn, received: int) -> None:
        """Answer 408 to a client that sent part of a request in time, close the connection."""
        self.log.info("read timeout: closed a connection after %d bytes of an incomplete request", received)
        if received:
            self.answer(conn, timeout_answer(self.read_timeout, self.read_min_rate))
        else:
            util.close(conn.sock)

    def answer(self, conn: TConn, data: bytes) -> None:
        """Write one of the worker's own answers and close, without waiting long for the client."""
        try:
            conn.sock.settimeout(1.0)
            conn.sock.sendall(data)
        except OSError:
            pass
        util.close_graceful(conn.sock, timeout=0.5)
