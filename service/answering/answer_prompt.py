"""The answering model's prompt: its instructions, the conversation so far, and the
excerpts it reads (each numbered as its passage, with title and date) before the question.
Document text is untrusted: it is defanged and fenced, never read as instructions. A
yes/no question's prompt ends by asking for the passages' yes or no first (the local
model wrote "Yes, glass bottles are not allowed ..."); no dev question asks yes or no."""

from __future__ import annotations

from collections.abc import Sequence

from service.answering.answer_type import asks_yes_or_no
from service.answering.answers import Question
from service.answering.excerpts import Excerpt, title_of
from service.answering.followup import without_markers
from service.answering.prompts import Prompts
from service.core.ports import Message
from service.core.untrusted import defang_prompt


def answer_messages(
    prompts: Prompts, question: Question, shown: Sequence[Excerpt]
) -> list[Message]:
    blocks = "\n\n".join(
        prompts.render(
            "passage",
            n=str(e.n),
            title=defang_prompt(title_of(e.passage)),
            date=e.passage.chunk.date or "unknown",
            text=defang_prompt(e.text),
        ).strip()
        for e in shown
    )
    user = prompts.render("answer_user", passages=blocks, question=question.text)
    if asks_yes_or_no(question.text):  # after the question: the passages' cache still serves
        user += "\n" + prompts.render("answer_yes_no")
    history = [without_markers(m) for m in question.history]
    return [
        {"role": "system", "content": prompts.render("answer_system")},
        *history,
        {"role": "user", "content": user},
    ]
