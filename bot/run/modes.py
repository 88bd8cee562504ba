"""`python app.py`: read the settings, open the database, and run the mode they call for."""

from __future__ import annotations

import contextlib
import gc
import http.client
import logging
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from typing import TextIO

from apscheduler.schedulers.base import BaseScheduler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import failure
from bot.outbound.courier import Courier
from bot.outbound.mail import Mailer
from bot.outbound.notices import NoticeSender
from bot.run import console
from bot.run.app_factory import courier_client, create_app, public_pages, web_client
from bot.run.console_time import ConsoleClock, Timeline
from bot.run.logs import configure_logging
from bot.run.scheduler import build_scheduler
from bot.services import Services
from bot.settings import Mode, Settings, load_settings
from storage import Storage
from storage.db import Clock, utc_now

log = logging.getLogger("iwg")


def main() -> None:
    settings = load_settings()
    # SIGTERM (a platform stopping the dyno, kill) unwinds like Ctrl-C, so the scheduler
    # stops and the database closes cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if settings.mode is Mode.CONSOLE:
        run_console(settings)
        return
    configure_logging(settings.secrets(), level=logging.INFO)
    scheduler = build_scheduler()
    services = open_services(settings, scheduler)
    scheduler.start()
    start_jobs(services)
    try:
        {Mode.HTTP: run_http, Mode.SOCKET: run_socket}[settings.mode](services)
    finally:
        scheduler.shutdown(wait=False)
        services.storage.close()


def open_services(
    settings: Settings, scheduler: BaseScheduler, clock: Clock = utc_now, console_user: str | None = None
) -> Services:
    """Migrate the database, bring the requests' places in step with the region table and
    the coordinators with the settings (and the console's own user, in the console)."""
    storage = Storage(settings.database, clock=clock)
    try:
        storage.migrate()
    except sqlite3.Error as error:
        _stop(f"IWG_DATABASE: cannot use {settings.database!r}: {error}")
    services = Services.build(settings, storage, scheduler)
    services.ta_service.index_places()
    services.coordinators.sync_config(settings.coordinators, console_ids=(console_user,) if console_user else ())
    if not services.coordinators.list():
        log.warning("No coordinators: set IWG_COORDINATORS to the Slack member IDs of the first ones")
    return services


def start_jobs(services: Services) -> None:
    """Put the reminders, poll closings and the digest on the scheduler."""
    services.reminder_service.start()
    services.poll_service.start()
    services.digest_service.start()
    services.web_requests.start()


def warm_up() -> None:
    """What loads on first use, loaded before a member waits on it: dateparser's data for
    each language the bot speaks (~150 ms for English, ~250 ms more for French, Spanish and
    Arabic), the index of country names in four languages (~40 ms), the catalogues."""
    from datetime import date, datetime, timezone
    from zoneinfo import ZoneInfo

    from bot import i18n
    from bot.parsing.dates import parse_due_date
    from bot.parsing.places import read_where

    now = datetime.now(timezone.utc)
    for code in i18n.LANGUAGES:
        with i18n.language(code):  # a date as the language writes it: "3 mars 2027"
            parse_due_date(i18n.day(date(now.year + 1, 3, 3), "d MMMM y"), ZoneInfo("UTC"), now)
    read_where("Kenya")


def ready_to_serve() -> None:
    """The last step before the first request: warm up, then move everything loaded so far
    (libraries, country data, dateparser's tables, the app) out of the garbage collector's
    sight with gc.freeze(). It lives as long as the process, and a full collection would
    otherwise walk all of it (~17 ms) in the middle of an ack."""
    warm_up()
    gc.collect()
    gc.freeze()


# How long a start that cannot reach Slack waits before trying again: doubling, at most a minute.
FIRST_WAIT, LONGEST_WAIT = 1.0, 60.0


_UNREACHABLE = (OSError, http.client.HTTPException)  # URLError is an OSError
_SILENT = logging.getLogger("iwg.start.probe")  # the probe's failures are said in our own line
_SILENT.propagate = False
_SILENT.addHandler(logging.NullHandler())


def _build_app(services: Services, **kwargs):
    """The app, once Slack has answered. A token Slack refuses stops the start in one line."""
    while True:
        wait_for_slack(services.settings)
        try:
            return create_app(services, **kwargs)
        except BoltError as error:  # auth.test refused the token
            _stop(f"SLACK_BOT_TOKEN: Slack did not accept it ({str(error).splitlines()[0]})")
        except _UNREACHABLE:  # gone again since the probe answered: wait for it once more
            continue


def wait_for_slack(settings: Settings) -> None:
    """Return once Slack answers auth.test, with any answer. While it cannot be reached
    (network, DNS, an outage), try again with a growing wait, saying so in one line each
    time, so a bot started during an outage comes up after it instead of dying in a traceback.
    The probe is a client of its own, without the app client's retries and their log lines."""
    probe = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[],
        logger=_SILENT,
    )
    wait = FIRST_WAIT
    while True:
        try:
            probe.auth_test()
            return
        except SlackApiError:  # Slack answered (a refused token is create_app's to report)
            return
        except _UNREACHABLE as error:
            reason = getattr(error, "reason", None) or error
            log.warning(
                "Slack cannot be reached at %s (%s); trying again in %.0f s",
                settings.slack_api_url,
                str(reason)[:120],
                wait,
            )
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)


def start_courier(services: Services, client: WebClient) -> Courier:
    """Deliver the notices left over from the last run, then every new one: to Slack, and
    to the web requesters' mail lanes through IWG_SMTP_URL when it is set."""
    settings = services.settings
    mailer = Mailer(settings.smtp, settings.mail_from) if settings.smtp and settings.mail_from else None
    sender = NoticeSender(services, client, mailer)
    return Courier(services.outbox, sender, services.ack_priority.wait_for_quiet, sender.refused).start()


def check_channel(settings: Settings, client: WebClient) -> None:
    """Say in one line at start if the bot cannot post in IWG_CHANNEL (not invited, gone,
    archived), rather than letting the first reminder find out. conversations.info reads
    the bot's membership (channels:read, groups:read for a private channel)."""
    if not settings.channel:
        return
    try:
        channel = client.conversations_info(channel=settings.channel).get("channel") or {}
    except SlackApiError as error:
        code = error.response.get("error")
        if code == "channel_not_found":
            log.warning(
                "IWG_CHANNEL %s: no such channel, or a private one I was not added to; reminders and "
                "results cannot be posted until I am (/invite @IWG Bot there)",
                settings.channel,
            )
        else:
            log.warning("IWG_CHANNEL %s: could not check that I can post there (%s)", settings.channel, code)
        return
    except _UNREACHABLE as error:
        log.warning("IWG_CHANNEL %s: could not check that I can post there (%s)", settings.channel, failure(error))
        return
    if channel.get("is_archived"):
        log.warning("IWG_CHANNEL %s is archived: set IWG_CHANNEL to the group's channel", settings.channel)
    elif channel.get("is_member") is False:
        log.warning(
            "IWG_CHANNEL %s (#%s): I am not a member, so reminders and results cannot be posted; "
            "invite me with /invite @IWG Bot",
            settings.channel,
            channel.get("name", "?"),
        )


def run_http(services: Services) -> None:
    from bot.run.http import make_server

    app = _build_app(services)
    check_channel(services.settings, app.client)
    courier = start_courier(services, courier_client(services.settings))
    settings = services.settings
    feed_secret = settings.calendar_secret and settings.calendar_secret.get_secret_value()
    server = make_server(
        app,
        services.storage,
        settings.port,
        settings.slack_signing_secret.get_secret_value(),
        calendar_secret=feed_secret,
        services=services,
        pages=public_pages(services),
    )
    ready_to_serve()
    try:
        server.run()
    finally:
        courier.stop()


def run_socket(services: Services) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app = _build_app(services)
    check_channel(services.settings, app.client)
    courier = start_courier(services, courier_client(services.settings))
    page_server = serve_beside_socket_mode(services)
    ready_to_serve()
    log.info("Socket Mode: connecting to Slack")
    try:
        SocketModeHandler(app, services.settings.slack_app_token.get_secret_value()).start()
    finally:
        if page_server is not None:
            page_server.close()
        courier.stop()


def serve_beside_socket_mode(services: Services):
    """With IWG_PUBLIC_URL set, Socket Mode also serves HTTP on $PORT (no Slack route): the
    health check, the calendar feed and the public request page, on a thread of its own."""
    settings = services.settings
    if not settings.public_url:
        return None
    import threading

    from bot.run.http import make_server

    feed_secret = settings.calendar_secret and settings.calendar_secret.get_secret_value()
    server = make_server(
        None,
        services.storage,
        settings.port,
        calendar_secret=feed_secret,
        services=services,
        pages=public_pages(services),
    )
    threading.Thread(target=server.run, name="iwg-pages", daemon=True).start()
    return server


def run_console(settings: Settings) -> None:
    """The same app, with the Web API played on loopback by a printer instead of Slack."""
    configure_logging(settings.secrets(), level=logging.WARNING)
    with console_session(settings, sys.stdout, echo=not sys.stdin.isatty()) as session:
        if sys.stdin.isatty():
            print(
                f"IWG Bot console on {settings.database}: you are {console.USER_NAME} (@{console.USER}), "
                "a coordinator.\nType /iwg help, help for the console's own commands (click, wait, as, who), "
                "or quit.\n"
            )
        session.run(console.input_lines(session))


@contextlib.contextmanager
def console_session(settings: Settings, out: TextIO, echo: bool = False) -> Iterator[console.Console]:
    """A console on its own clock, which `wait` moves: the scheduler is kept paused as a
    job store and the console's Timeline runs what falls due (bot/run/console_time.py)."""
    if not settings.channel:  # reminders and posts show in the console's channel
        settings = settings.model_copy(update={"channel": console.CHANNEL})
    with contextlib.ExitStack() as stack:  # each part stopped, last started first, however far the start got
        clock = ConsoleClock()
        scheduler = build_scheduler()
        scheduler.start(paused=True)
        stack.callback(scheduler.shutdown, wait=False)
        services = open_services(settings, scheduler, clock, console_user=console.USER)
        stack.callback(services.storage.close)
        slack = console.ConsoleSlack(out).start()
        stack.callback(slack.stop)
        secret = console.new_secret()
        client = web_client(settings.model_copy(update={"slack_api_url": slack.api_url}), token="xoxb-console")
        app = create_app(services, client=client, signing_secret=secret, token_verification=False)
        courier = start_courier(services, courier_client(settings, "xoxb-console", slack.api_url))
        stack.callback(courier.stop)
        timeline = Timeline(scheduler, clock)
        session = console.Console(
            app,
            secret,
            slack,
            courier=courier,
            wait_after_ack=services.after_ack.wait,
            timeline=timeline,
            is_coordinator=services.coordinators.is_coordinator,
            echo=echo,
        )
        timeline.settle = session.after_job
        services.after_ack.run(warm_up, "warming up the date parser")
        start_jobs(services)
        timeline.start()
        stack.callback(timeline.stop)
        yield session


def _stop(line: str) -> None:
    print(f"iwg-bot: {line}", file=sys.stderr)
    raise SystemExit(2)
