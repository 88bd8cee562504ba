"""The one way a handler says "no": raise UserError, and the member gets an ephemeral answer."""

from __future__ import annotations

from bot.render import Reply, error_reply


class UserError(Exception):
    """Bad input or a refused action: what was wrong, and the right form."""

    def __init__(self, problem: str, usage: str | None = None, hint: str | None = None):
        super().__init__(problem)
        self.problem, self.usage, self.hint = problem, usage, hint

    def reply(self) -> Reply:
        return error_reply(self.problem, self.usage, self.hint)


class NotPermitted(UserError):
    """A coordinator-only action asked for by someone else; nothing was changed."""
