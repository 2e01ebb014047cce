import pytest

from service.answering.answer_prompt import answer_messages
from service.answering.answers import Question
from service.answering.prompts import PromptError, Prompts, render
from service.core.config import PROJECT_ROOT


def test_render_fills_placeholders_once() -> None:
    assert render("Q: {{question}}", question="{{question}} x") == "Q: {{question}} x"


def test_render_is_strict_both_ways() -> None:
    with pytest.raises(PromptError, match="missing"):
        render("{{a}} {{b}}", a="1")
    with pytest.raises(PromptError, match="unused"):
        render("{{a}}", a="1", b="2")


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("answer_system", {}),
        ("answer_user", {"passages": "[1] ...", "question": "Who?"}),
        ("answer_yes_no", {}),
        ("passage", {"n": "1", "title": "T", "date": "2023-10-09", "text": "Body."}),
        ("condense_question", {"history": "User: Who mediates?", "question": "And Egypt?"}),
    ],
)
def test_every_prompt_renders(name: str, values: dict[str, str]) -> None:
    text = Prompts(PROJECT_ROOT / "prompts").render(name, **values)
    assert "{{" not in text
    for value in values.values():
        assert value in text


def test_the_support_and_reading_prompts_start_alike_up_to_the_passage_end() -> None:
    """Both checks read the same excerpt, one after the other, on the side server: with one
    start, the reading call finds the excerpt already read (llama.cpp keeps the prefix it
    last read)."""
    prompts = Prompts(PROJECT_ROOT / "prompts")
    passage = "title: Harbour news\nThe port signed a deal for 12 new cranes."
    support = prompts.messages("support", passage=passage, answer="It bought 12 cranes.")
    reading = prompts.messages("reading", passage=passage, question="How many cranes?")
    assert [m["role"] for m in support] == [m["role"] for m in reading] == ["system", "user"]
    assert support[0] == reading[0]
    end = support[1]["content"].index("PASSAGES>>>") + len("PASSAGES>>>")
    assert reading[1]["content"][:end] == support[1]["content"][:end]
    assert passage in support[1]["content"][:end]


def test_a_yes_no_question_is_asked_to_start_with_yes_or_no_after_the_same_start() -> None:
    """The local model wrote "Yes, glass bottles are not allowed": a yes/no question's
    prompt asks it to start with the passages' yes or no. The prompt is the other's up to
    the question, so the model server's cache of the passages serves both."""
    prompts = Prompts(PROJECT_ROOT / "prompts")
    (_, asked_yes_no) = answer_messages(prompts, Question("Are dogs allowed?", 3), [])
    (_, asked_who) = answer_messages(prompts, Question("Who runs it?", 3), [])
    yes_no, who = asked_yes_no["content"], asked_who["content"]
    assert "start with Yes or No as the passages say it" in yes_no
    assert "Yes or No" not in who
    start = who.index("Question:")
    assert yes_no[:start] == who[:start]
