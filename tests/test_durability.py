"""Every request the bot acknowledged is still there after `kill -9` under concurrent load."""

from __future__ import annotations

import http.client
import re
import signal
import sqlite3
import threading

ACKED = re.compile(r"Logged TA-(\d+): Kenya, (load \d+-\d+)")


def test_every_acknowledged_request_survives_kill_9(start_bot, standin):
    driver, bot = start_bot()
    acked: dict[int, str] = {}
    lock = threading.Lock()
    enough = threading.Event()

    def member(n: int) -> None:
        for i in range(200):
            try:
                answer = driver.command("/ta", f"new Kenya: load {n}-{i} #safe", user_id=f"U0LOAD{n}")
            except (OSError, http.client.HTTPException):  # the bot died, before or while answering:
                return  # this one was never acknowledged
            match = ACKED.search(answer.body)
            if match:
                with lock:
                    acked[int(match.group(1))] = match.group(2)
                    if len(acked) >= 60:
                        enough.set()

    members = [threading.Thread(target=member, args=(n,)) for n in range(6)]
    for thread in members:
        thread.start()
    assert enough.wait(timeout=60), f"only {len(acked)} requests acknowledged"
    bot.proc.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
    for thread in members:
        thread.join(timeout=30)
    bot.stop()

    _, restarted = start_bot()  # the same database file
    with sqlite3.connect(restarted.cwd / "iwg.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(db.execute("SELECT id, need FROM ta_requests"))
        events = {row[0] for row in db.execute("SELECT request_id FROM ta_events WHERE kind = 'created'")}
    assert len(acked) >= 60
    assert {i: stored.get(i) for i in acked} == acked
    assert set(acked) <= events
