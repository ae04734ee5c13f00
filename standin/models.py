"""Plain records shared by the stand-in: violations, recorded requests and uploaded files."""

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Violation:
    """
    One way a request broke Discord's contract.

    ``kind`` is ``spec`` (the OpenAPI request schema), ``limit`` (a documented Discord limit),
    ``unknown_key`` (a key the spec does not list; always a warning), ``route`` (no such route)
    or ``protocol`` (a misuse Discord would refuse, e.g. a callback type that does not fit the
    interaction). ``where`` is a JSON pointer into the request body (``/embeds/0/title``).
    """

    kind: str
    message: str
    where: str = ""
    method: str = ""
    path: str = ""
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """Whether this is a real violation (not merely a warning)."""
        return self.severity == "error"

    def located(self, method: str, path: str) -> "Violation":
        """Return a copy that names the request it came from."""
        return Violation(self.kind, self.message, self.where, method, path, self.severity)

    def __str__(self) -> str:
        request = f"{self.method} {self.path} " if self.method else ""
        where = self.where or "/"
        return f"[{self.kind}] {request}{where}: {self.message}"


@dataclass(frozen=True)
class StoredFile:
    """A file the bot uploaded (or a test attached to an interaction)."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    field_name: str = ""

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        """Decode the file as text."""
        return self.data.decode(encoding)


@dataclass
class RecordedRequest:
    """One REST call the stand-in answered."""

    method: str
    path: str
    route: str
    query: dict[str, str]
    json: Any
    files: list[StoredFile]
    status: int
    time: float
    response: Any = None
    violations: list[Violation] = field(default_factory=list)
    interaction_id: int | None = None
    """For an answer to an interaction (callback, follow-up, edit of a response): that interaction's id."""
    shard_id: int | None = None
    """For an answer to an interaction: the shard of the gateway session the interaction was dispatched to."""

    @property
    def error_code(self) -> int | None:
        """Discord's JSON error code of the answer, if it was an error with one."""
        if isinstance(self.response, dict):
            code = self.response.get("code")
            if isinstance(code, int) and self.status >= 400:
                return code
        return None

    def __str__(self) -> str:
        code = f" (code {self.error_code})" if self.error_code is not None else ""
        return f"{self.method} {self.path} -> {self.status}{code}"
