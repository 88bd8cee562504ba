"""How it looks: Block Kit messages, forms and views, one module per family (ta_blocks,
ta_forms, ta_notices, meeting_blocks, poll_blocks, digest_blocks, home_blocks, iwg_blocks)
on the building blocks of blocks.py; files (csv_export, ics); and console_text, the
console's reading of Block Kit, kept apart from what Slack sees. Functions of data to payloads: no queries, no calls.

May import bot/domain/ (its models and constants), bot/parsing/, storage/ models and the
leaves; never outbound, services, handlers or run.
"""
