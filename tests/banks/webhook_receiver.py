"""A real HTTP receiver for the webhook tests: http.server in a thread on a free port of 127.0.0.1, recording
every POST (headers, body, whether the documented code verifies its signature), and able to die mid-stream."""
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer


@dataclass
class Received:
    delivery_id: str
    event: str
    signature: str
    body: bytes
    verified: bool

    @property
    def entry(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """``verify(secret, header, body) -> bool``: the receiver's check (the one docs/api.md documents).
    ``die_at``: the number of the request on which the receiver reads the body and then dies without answering
    (the entry was received — as a crash after processing would leave it — but never acknowledged)."""

    secret: str = ""
    verify: object = None
    status: int = 200
    die_at: int | None = None
    received: list[Received] = field(default_factory=list)
    died: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    server: HTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/thads"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                signature = self.headers.get("X-THADS-Signature", "")
                receiver.received.append(Received(
                    self.headers.get("X-THADS-Delivery-Id", ""), self.headers.get("X-THADS-Event", ""), signature,
                    body, bool(receiver.verify and receiver.verify(receiver.secret, signature, body))))
                if receiver.die_at is not None and len(receiver.received) == receiver.die_at:
                    receiver.died.set()
                    self.close_connection = True
                    threading.Thread(target=receiver.server.shutdown).start()
                    return  # no answer: the connection is closed under the sender
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            if not self.died.is_set():
                self.server.shutdown()
            self.thread.join(5)
            self.server.server_close()
            self.server = None


def documented_verify():
    """verify_thads_signature exactly as docs/api.md «Webhooks» prints it (the one ```python block defining it)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]
    (code,) = [block for block in blocks if "def verify_thads_signature(" in block]
    namespace: dict = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)  # noqa: S102 — our own documentation, under test
    return namespace["verify_thads_signature"]
