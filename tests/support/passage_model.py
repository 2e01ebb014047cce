"""A stand-in for a side model (support or reading check): it replies by the passage it
is shown, and records what it was sent."""

from __future__ import annotations

from collections.abc import Iterator

from service.core.ports import Completion, Message
from service.core.sampling import Sampling


def passage_in(content: str) -> str:
    """What a prompt holds between <<<PASSAGES and PASSAGES>>>."""
    return content.split("<<<PASSAGES\n")[1].split("\nPASSAGES>>>")[0]


class PassageModel:
    """Replies `replies[passage]`; `calls` are the messages and sampling it was sent,
    `shown` the passages, in order."""

    model = "side"

    def __init__(self, replies: dict[str, str]) -> None:
        self.replies = replies
        self.calls: list[tuple[list[Message], Sampling | None]] = []

    @property
    def shown(self) -> list[str]:
        return [passage_in(messages[-1]["content"]) for messages, _ in self.calls]

    def complete(self, messages: list[Message], sampling: Sampling | None = None) -> Completion:
        self.calls.append((messages, sampling))
        return Completion(self.replies[passage_in(messages[-1]["content"])], self.model)

    def stream(self, messages: list[Message], sampling: Sampling | None = None) -> Iterator[str]:
        raise AssertionError("the checks do not stream")
