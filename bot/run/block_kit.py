"""What Slack would reject in a payload, checked with slack_sdk's own Block Kit models: the
tests' stand-in records each problem and the tests fail on any; the console prints them
beside the message, so a change that Slack would refuse shows where it is tried first."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def block_problems(blocks, most: int = 50) -> list[str]:
    """What Slack would reject in a message's blocks (empty if nothing): a message takes 50
    blocks, a modal or the App Home 100."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [f"blocks is a {type(blocks).__name__}, not a list"]
    problems = [f"{len(blocks)} blocks; at most {most} fit"] if len(blocks) > most else []
    for index, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None:
                raise ValueError(f"unknown block type {raw.get('type')!r}")
            block.validate_json()
            unknown = set(raw) - set(block.to_dict())
            if unknown:
                raise ValueError(f"attributes Slack does not know: {sorted(unknown)}")
        except Exception as error:  # each model error becomes a readable problem line
            problems.append(f"block {index} ({raw.get('type') if isinstance(raw, dict) else raw!r}): {error}")
    return problems


def message_problems(message: dict) -> list[str]:
    """A message payload (Web API args, an ack body or a response_url post)."""
    problems = block_problems(message.get("blocks"))
    if not message.get("text") and not message.get("blocks"):
        problems.append("a message with neither text nor blocks")
    if message.get("blocks") and not message.get("text"):
        problems.append("blocks without a text fallback (notifications and screen readers need it)")
    return problems


def view_problems(view) -> list[str]:
    if not isinstance(view, dict):
        return [f"view is a {type(view).__name__}"]
    try:
        View(**view).validate_json()
    except Exception as error:
        return [f"view: {error}"]
    return block_problems(view.get("blocks"), most=100)


MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update")
VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


def call_problems(method: str, args: dict) -> list[str]:
    """What Slack would reject in a Web API call's payload (none for a method without one)."""
    if method in MESSAGE_METHODS:
        return message_problems(args)
    if method in VIEW_METHODS:
        return view_problems(args.get("view"))
    return []
