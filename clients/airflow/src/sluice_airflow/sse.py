"""A Server-Sent Events parser (the WHATWG rules Sluice's streams follow), fed decoded text.

Pure and shared by the sync waiter and the async trigger. Mirrors src/client/sse-parser.ts: lines
end in LF, CR or CRLF (a CRLF split across two chunks is one line end), comments (heartbeats) are
skipped, and ``id`` is the last event id in force — what a resume sends as Last-Event-ID.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SseMessage:
    id: str
    event: str
    data: str


class SseParser:
    def __init__(self, last_event_id: str = ""):
        self.last_event_id = last_event_id
        self._buffer = ""
        self._data: list[str] = []
        self._event = ""
        self._saw_cr = False
        self._first = True

    def feed(self, text: str) -> list[SseMessage]:
        if self._first and text:
            self._first = False
            if text[0] == "\ufeff":
                text = text[1:]
        out: list[SseMessage] = []
        buf = self._buffer + text
        start = 0
        for i, c in enumerate(buf):
            if c == "\n" and self._saw_cr:
                self._saw_cr = False
                start = i + 1
                continue
            self._saw_cr = False
            if c not in "\r\n":
                continue
            self._saw_cr = c == "\r"
            message = self._line(buf[start:i])
            if message:
                out.append(message)
            start = i + 1
        self._buffer = buf[start:]
        return out

    def _line(self, line: str) -> SseMessage | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self.last_event_id = value
        return None

    def _dispatch(self) -> SseMessage | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return SseMessage(self.last_event_id, event or "message", "\n".join(data))
