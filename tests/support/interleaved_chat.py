"""A chat model's answers in the OpenING pipeline's format, for the fake OpenAI server.

:func:`interleaved_reply` answers a pipeline conversation the way an obliging model would: as many
steps as the prompt's ``The number of generated text-image pairs can be N:`` asks for, each step
ending in the ``<IMG>`` marker, each text naming its step and the start of the task, so a test can
tell which request made which answer. ``extra_steps`` answers more steps than asked.
"""

from __future__ import annotations

import re
from typing import Any

from support.chat_server import completion

COUNT = re.compile(r"The number of generated text-image pairs can be (\d+): (.{0,40})")


def first_text(request: dict[str, Any]) -> str:
    """The first text part of the last user message (the one carrying the count prefix)."""
    content = request["messages"][-1]["content"]
    return next(part["text"] for part in content if part["type"] == "text")


def interleaved_reply(request: dict[str, Any], extra_steps: int = 0) -> tuple[int, bytes]:
    match = COUNT.match(first_text(request))
    assert match, "the pipeline's first user text must start with the official count prefix"
    steps = int(match[1]) + extra_steps
    task = match[2].strip()
    return completion(" ".join(f"**Step {k}** of {task!r}. <IMG>" for k in range(steps)))
