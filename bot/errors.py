"""How things go wrong: the one way the rules say "no" (UserError), and how a failure is
written to the log (`failure`). A leaf: it imports nothing of the app, so every layer may
use it.

A UserError carries what was wrong and the right form; handlers turn it into an ephemeral
answer (bot/render/blocks.refusal_reply), forms into a message beside the field.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class UserError(Exception):
    """Bad input or a refused action: what was wrong, and the right form."""

    def __init__(self, problem: str, usage: str | None = None, hint: str | None = None):
        super().__init__(problem)
        self.problem, self.usage, self.hint = problem, usage, hint


class NotPermitted(UserError):
    """An action asked for by someone who may not do it; nothing was changed."""


def must_exist(found: T | None, problem: str, hint: str | None = None) -> T:
    """`found`, or the member is told there is no such thing (`There is no poll P-7.`)."""
    if found is None:
        raise UserError(problem, hint=hint)
    return found


def failure(error: BaseException) -> str:
    """An exception as a log line: its type and where it was raised, innermost frame first,
    and never its message, which can quote what a member typed (`Invalid isoformat string:
    '<what was typed>'`). The frames are enough to find the line that failed."""
    frames = traceback.extract_tb(error.__traceback__)[-8:]
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{type(error).__name__} at {where}" if where else type(error).__name__
