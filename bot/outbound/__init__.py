"""What goes out after the ack, on its own path:

- courier, courier_client: the outbox's sender. It claims each notice (storage/outbox.py),
  hands it to notices, and retries, paces and gives up by Slack's rules.
- notices: a notice rendered as things are now and posted once (channel posts, DMs, poll
  messages, announcements kept current).
- after_ack: forms, files and answers to clicks that a member waits on but the ack does
  not need; `tell()` answers through a response_url.
- ack_priority: background senders wait for a quiet moment between requests, so acks go
  first.
- names: members' display names, for posts that name people without pinging them.

May import render, domain, parsing, storage and the leaves, and the Web API (slack_sdk);
never services (except for type hints), handlers or run.
"""
