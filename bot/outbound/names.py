"""Members' display names, for poll messages and the CSV export: names without pinging anyone."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

_cache: dict[str, str] = {}
_lock = threading.Lock()


def display_names(client: WebClient, user_ids: set[str]) -> dict[str, str]:
    """user ID -> the name members see (the ID itself if Slack will not say)."""
    with _lock:
        missing = [u for u in user_ids if u not in _cache]
    for user_id in missing:
        try:
            user = client.users_info(user=user_id)["user"]
            profile = user.get("profile") or {}
            name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
        except SlackApiError as error:  # kept only if Slack will never say (a 429 passes)
            if error.response.get("error") not in ("user_not_found", "users_not_found"):
                continue
            name = user_id
        with _lock:
            _cache[user_id] = name
    with _lock:
        return {u: _cache.get(u, u) for u in user_ids}
