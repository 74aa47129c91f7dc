"""Refuse request bodies over a size limit with 413, before they cost memory.

A declared `Content-Length` over the limit is refused at the first read, without taking
a byte of it. A body sent without one (chunked) is counted as it arrives, and the read
that crosses the limit is refused. Either way the read raises `BodyTooLarge`, an
HTTPException, so whichever layer is reading (FastAPI's body parsing, a multipart parser,
a route) lets it through to the error handlers, and each dialect answers 413 in its own
envelope. A route that never reads the body is not refused: the body costs it nothing.
Pure ASGI.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lanes.api.errors import error_response

__all__ = ["BodySizeLimit", "BodyTooLarge"]


class BodyTooLarge(HTTPException):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=_too_large(max_bytes))
        self.details = {"max_bytes": max_bytes}  # for the envelopes that carry details


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        too_large = declared is not None and declared > self.max_bytes
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            if too_large:  # refused at the first read, before a byte of it is taken
                raise BodyTooLarge(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "too_large",
            _too_large(self.max_bytes),
            {"max_bytes": self.max_bytes},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(max_bytes: int) -> str:
    return f"the request body is larger than the limit of {max_bytes} bytes"
