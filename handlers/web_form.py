"""The public request form (handlers/web_pages.py): its fields, the token that proves a form
was shown by this bot a while ago, and the checks that turn what a visitor sent into a
WebForm, each problem a whole sentence in the visitor's language shown at its field.

What a visitor types gets the same cleaning as what a member types in Slack (handlers/
common.py, bot/parsing/text.py): direction marks and isolates removed, surrounding space
trimmed, control characters refused, a length limit per field. Slack's own escaping is
not undone: a browser sends the text as typed, so `&lt;` stays the four characters typed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, datetime, timezone
from enum import Enum
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from itsdangerous import BadSignature, TimestampSigner
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField

from bot.domain.ta import KINDS
from bot.domain.web_requests import WebForm
from bot.errors import UserError
from bot.i18n import LANGUAGES, _, day, ngettext, normalise, without_marks
from bot.parsing.dates import parse_due_date
from bot.parsing.places import read_where
from bot.parsing.slack_text import truncate, unescape
from bot.parsing.strategies import STRATEGIES
from bot.parsing.text import has_control

MIN_FILL_SECONDS = 2  # a person takes longer than this to fill in the form; a script does not
FORM_LIFETIME_SECONDS = 3600  # as long as Flask-WTF's CSRF token lives (WTF_CSRF_TIME_LIMIT)
MOST = {"name": 200, "organisation": 200, "email": 254, "place": 200, "need": 3000}
TEXT_FIELDS = tuple(MOST)
_SALT = "request-form"
# an address a mail server takes: ASCII dot-atom@domain.tld, no spaces, commas or quotes
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}"
)


class Refusal(Enum):
    """Why a form was refused without being stored: each has its own page."""

    CSRF = "csrf"  # the CSRF token is missing or not this session's
    NO_COOKIE = "no-cookie"  # the browser sent no session: cookies are off
    STALE = "stale"  # the form was open longer than FORM_LIFETIME_SECONDS
    ALTERED = "altered"  # the form token is not one this bot signed
    TOO_FAST = "too-fast"  # sent within MIN_FILL_SECONDS of being shown
    HONEYPOT = "honeypot"  # the field people leave empty was filled in
    REUSED = "reused"  # this form was sent before
    TOO_MANY = "too-many"  # a rate limit (Flask-Limiter)
    TOO_LARGE = "too-large"  # over MAX_CONTENT_LENGTH


class FormRefused(Exception):
    def __init__(self, why: Refusal):
        super().__init__(why.value)
        self.why = why


class _ClockSigner(TimestampSigner):
    """itsdangerous' TimestampSigner on the bot's clock (the storage's, which tests move)."""

    def __init__(self, secret_key: str, clock: Callable[[], datetime]):
        super().__init__(secret_key, salt=_SALT)
        self.clock = clock

    def get_timestamp(self) -> int:
        return int(self.clock().timestamp())


class FormTokens:
    """A form token: a random nonce and the moment the form was shown (in milliseconds, for
    the fill time; the signer's own timestamp is in whole seconds), signed with
    IWG_SECRET_KEY. The nonce is what WebRequestService.hold refuses to take twice."""

    def __init__(self, secret_key: str, clock: Callable[[], datetime]):
        self.signer = _ClockSigner(secret_key, clock)
        self.clock = clock

    def issue(self) -> str:
        shown = int(self.clock().timestamp() * 1000)
        return self.signer.sign(f"{secrets.token_urlsafe(16)}.{shown}").decode()

    def read(self, token: str) -> str:
        """The nonce; FormRefused if the token is altered, too fresh or too old."""
        try:
            value, _signed_at = self.signer.unsign(token or "", return_timestamp=True)
            nonce, shown = value.decode().rsplit(".", 1)
            shown_at = datetime.fromtimestamp(int(shown) / 1000, timezone.utc)
        except (BadSignature, ValueError, UnicodeDecodeError):
            raise FormRefused(Refusal.ALTERED) from None
        age = (self.clock() - shown_at).total_seconds()
        if age < MIN_FILL_SECONDS:
            raise FormRefused(Refusal.TOO_FAST)
        if age > FORM_LIFETIME_SECONDS:
            raise FormRefused(Refusal.STALE)
        return nonce


class RequestForm(FlaskForm):
    """The fields as sent (Flask-WTF adds csrf_token). They carry no WTForms validators:
    each check is in `check` below, so that its message is written in the language of the
    request being answered, not of whoever imported this module first."""

    name = StringField()
    organisation = StringField()
    email = StringField()
    place = StringField()
    need = TextAreaField()
    # the choices are the template's to show (STRATEGIES, KINDS) and check's to check
    strategies = SelectMultipleField(validate_choice=False)
    kind = RadioField(validate_choice=False)
    due = StringField()
    website = StringField()  # the honeypot: hidden from people, filled in by form-filling scripts
    form_token = HiddenField()
    lang = HiddenField()


def visitor_text(raw: str | None, multiline: bool = False) -> str:
    """Text as typed, cleaned as Slack input is: no direction marks, trimmed; one line
    unless `multiline` (a browser sends a textarea's line ends as CRLF: read as LF)."""
    text = without_marks(raw or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:  # a run of spaces, tabs or line ends in a name is one space
        text = " ".join(text.split())
    return text.strip()


def _empty(field: str) -> str:
    match field:
        case "name":
            return _("Please give your name.")
        case "organisation":
            return _("Please give the name of your organisation.")
        case "email":
            return _("Please give your email address: the link to confirm your request is sent there.")
        case "need":
            return _("Please say what is needed.")
    return _("Which country or region? E.g. Kenya, or Kenya and Uganda, or Eastern Africa, or Global.")


def _too_long(length: int, limit: int) -> str:
    return ngettext(
        "This is {length} character long; the most is {limit}.",
        "This is {length} characters long; the most is {limit}.",
        length,
        length=length,
        limit=limit,
    )


def check(form: RequestForm, now: datetime) -> tuple[WebForm | None, dict[str, str]]:
    """The WebForm a valid form makes, or None and the problem of each field that has one."""
    problems: dict[str, str] = {}
    text = {}
    for field in TEXT_FIELDS:
        value = visitor_text(getattr(form, field).data, multiline=field == "need")
        if not value:
            problems[field] = _empty(field)
        elif len(value) > MOST[field]:
            problems[field] = _too_long(len(value), MOST[field])
        elif has_control(value):
            problems[field] = _("This contains control characters; type it as plain text.")
        text[field] = value
    if "email" not in problems and not _EMAIL.fullmatch(text["email"]):
        problems["email"] = _(
            "“{typed}” is not an email address we can write to; write it like name@example.org.",
            typed=truncate(text["email"], 60),
        )
    places = ""
    if "place" not in problems:
        try:
            places = read_where(text["place"]).codes
        except UserError as refusal:  # worded for Slack, its echo of the text escaped: undone
            problems["place"] = unescape(refusal.problem)
    strategies = tuple(dict.fromkeys(form.strategies.data or ()))
    if any(tag not in {s.tag for s in STRATEGIES} for tag in strategies):
        problems["strategies"] = _("Pick the strategies from the list.")
    kind = form.kind.data or None
    if kind is not None and kind not in KINDS:
        problems["kind"] = _("Pick one of the kinds of support offered.")
    due, problem = read_due(visitor_text(form.due.data), now)
    if problem:
        problems["due"] = problem
    if problems:
        return None, problems
    return WebForm(
        name=text["name"],
        organisation=text["organisation"],
        email=text["email"],
        places=places,
        need=text["need"],
        strategies=strategies,
        kind=kind,
        due_date=due,
        language=form_language(form.lang.data),
    ), {}


def read_due(typed: str, now: datetime) -> tuple[date | None, str | None]:
    """The due date: what a date input sends (2031-06-30), or, from a browser that shows a
    text box instead, a date as members type it in Slack; today or later."""
    if not typed:
        return None, None
    if len(typed) > 100:
        return None, _too_long(len(typed), 100)
    today = now.astimezone(timezone.utc).date()
    try:
        due = date.fromisoformat(typed)
    except ValueError:
        try:
            return parse_due_date(typed, ZoneInfo("UTC"), now), None
        except UserError as refusal:
            return None, unescape(refusal.problem)
    if due < today:
        return None, _("{day} is in the past; a due date must be today or later.", day=day(due, "d MMMM y"))
    return due, None


def form_language(code: str | None) -> str:
    """The language the form was shown in (its hidden field), English if it is not one."""
    return code if code in LANGUAGES else normalise(code)
