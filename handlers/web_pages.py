"""The public request page (issue 18): a Flask blueprint that the web server (bot/run/web.py)
registers when every setting it needs is there (bot.run.app_factory.public_pages).

    GET  /request                  the form, in the visitor's language
    POST /request                  checked; held until confirmed, and a "check your email" page
    GET  /request/sent             that page (a 303 after the POST: a reload sends nothing)
    GET  /request/confirm/<token>  the emailed link: a button, so a mail scanner's fetch
    POST /request/confirm/<token>  confirms nothing until a person clicks it; logs the request
    GET  /request/<token>          the request's read-only status page (the private link)

What keeps a stranger's (or a script's) form from costing the coordinators anything, each
refused with a page saying so and nothing stored: Flask-WTF's CSRF token (rotated after each
submission, so one form makes one); a signed form token (handlers/web_form.py) carrying a
nonce, refused under MIN_FILL_SECONDS after the form was shown or after the CSRF token's
lifetime (both shown again as typed: SHOWN_AGAIN), when altered, or when its nonce was used
before; a honeypot field; and
Flask-Limiter's limits on POSTs: 10 an hour per address (every POST counts, refused ones
too) and 5 an hour per email address (only the submissions held count, so that junk typed
with someone's address cannot lock them out). The limits are counted in this process's memory: each
process counts its own, and a restart forgets them, which is enough for one small bot
(Redis would share them: `storage_uri` below).

Language: `?lang=` (the links at the top of each page, kept in the form as a hidden field),
else the browser's Accept-Language among bot.i18n.LANGUAGES, else English; every page is
rendered inside bot.i18n.language(), so `_()` in the templates and in the checks speak it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

import bot.render
from bot.domain.ta import KINDS
from bot.domain.web_links import LinkAltered, LinkExpired
from bot.domain.web_requests import Confirmation, FormReused, PublicEvent, PublicStatus
from bot.i18n import LANGUAGES, RIGHT_TO_LEFT, SOURCE, _, current, day, language, language_name, ngettext
from bot.parsing.places import places_label
from bot.parsing.strategies import STRATEGIES
from bot.parsing.vocabulary import status_label
from bot.services import Services
from handlers.web_form import (
    FORM_LIFETIME_SECONDS,
    MOST,
    FormRefused,
    FormTokens,
    Refusal,
    RequestForm,
    check,
    visitor_text,
)

TEMPLATES = Path(bot.render.__file__).parent / "templates"
STATIC = Path(bot.render.__file__).parent / "static"
PER_ADDRESS, PER_EMAIL, CONFIRMS_PER_ADDRESS = "10 per hour", "5 per hour", "30 per hour"
# Refused, but more likely a person's than a program's: sent a moment too soon, or after the
# form ran out (an hour spent writing). The form comes back as typed, with fresh tokens, so
# nothing is lost; a program gains nothing it could not get from a fresh form.
SHOWN_AGAIN = (Refusal.TOO_FAST, Refusal.STALE)
# The status page's address is the requester's private link: no referrer carries it on,
# no frame shows it; and nothing but this site's own stylesheet and forms runs on a page.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_DATE = "d MMMM y"  # 30 March 2027, as each language writes it (bot.parsing.dates.shown_day)


def visitor_language(read_form: bool = True, chosen: str | None = None) -> str:
    """`?lang=`, the form's hidden `lang`, the language the request was made in (`chosen`:
    the links in the mails carry none, and the form may have been filled in French in a
    browser set to English), the browser's Accept-Language, or English."""
    asked = request.args.get("lang")
    if asked not in LANGUAGES and read_form and request.method == "POST":
        asked = request.form.get("lang")
    if asked in LANGUAGES:
        return asked
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or SOURCE


def in_visitor_language(view: Callable) -> Callable:
    @wraps(view)
    def speaking(*args, **kwargs):
        with language(visitor_language()):
            return view(*args, **kwargs)

    return speaking


def _email_key() -> str:
    """The per-email limit's key: the address as its mail lane names it."""
    return visitor_text(request.form.get("email")).lower() or "(none)"


def _held(response: Response) -> bool:
    return response.status_code == 303


def blueprint(services: Services) -> Blueprint:
    """The page's routes on `services` (settings.public_page must be true: the key is set)."""
    web = services.web_requests
    clock = services.storage.clock
    tokens = FormTokens(services.settings.secret_key.get_secret_value(), clock)
    limiter = Limiter(get_remote_address, storage_uri="memory://", strategy="moving-window")
    # the limiter's hook runs on every request of the app: Slack's skip it at once
    limiter.request_filter(lambda: request.blueprint != "public_pages")
    pages = Blueprint(
        "public_pages",
        __name__,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
        static_url_path="/request/static",
    )

    @pages.record_once
    def _setup(state) -> None:
        app = state.app
        app.jinja_env.globals.update(_=_, ngettext=ngettext)
        app.config["WTF_CSRF_TIME_LIMIT"] = FORM_LIFETIME_SECONDS
        limiter.init_app(app)
        logging.getLogger("flask-limiter").setLevel(logging.WARNING)  # its INFO line names the email

    @pages.context_processor
    def _page() -> dict:
        return {
            "lang": current(),
            "direction": "rtl" if current() in RIGHT_TO_LEFT else "ltr",
            "languages": [(code, language_name(code)) for code in LANGUAGES],
        }

    @pages.after_request
    def _headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if request.endpoint != "public_pages.static":
            response.headers["Cache-Control"] = "no-store"  # a form's tokens, a private status
        return response

    def refused(why: Refusal, status: int = 400) -> tuple[str, int]:
        return render_template("refused.html", why=why.value), status

    def show_form(
        form: RequestForm, problems: dict[str, str], status: int = 200, held_back: Refusal | None = None
    ) -> tuple[str, int]:
        kinds = [("", _("Not sure yet")), *((key, _(label)) for key, label in KINDS.items())]
        return render_template(
            "request.html",
            form=form,
            problems=problems,
            most=MOST,
            strategies=[{"tag": s.tag, "label": _(s.name)} for s in STRATEGIES],
            chosen_strategies=set(form.strategies.data or ()),
            kinds=kinds,
            chosen_kind=form.kind.data or "",
            held_back=held_back and held_back.value,
            today=clock().astimezone(timezone.utc).date().isoformat(),
        ), status

    @pages.route("/request", methods=["GET", "POST"])
    @limiter.limit(PER_ADDRESS, methods=["POST"])
    @limiter.limit(PER_EMAIL, methods=["POST"], key_func=_email_key, deduct_when=_held)
    @in_visitor_language
    def request_form():
        # what the session held before the form was made: making it mints a CSRF token
        # when the session has none, so Flask-WTF's own reason is "do not match" either way
        cookie = _CsrfCookie(bool(session), "csrf_token" in session, bool(session.get("held")))
        form = RequestForm()
        if request.method == "GET":
            form.form_token.data = tokens.issue()
            return show_form(form, {})
        try:
            nonce = admitted(form, cookie)
            submission, problems = check(form, clock())
            if problems:  # shown again with the same form token: the wait was done once
                return show_form(form, problems, 422)
            web.hold(submission, nonce, request.remote_addr or "")
        except FormRefused as refusal:
            if refusal.why in SHOWN_AGAIN:  # a person in a hurry, or back from lunch
                form.form_token.data = tokens.issue()
                return show_form(form, {}, 400, held_back=refusal.why)
            return refused(refusal.why)
        except FormReused:
            return refused(Refusal.REUSED)
        # a new CSRF token for the next form, so this one is refused if sent again (a replay
        # with the old cookie passes CSRF, and is caught by the form token's nonce)
        session.pop("csrf_token", None)
        session["held"], session["sent_to"] = True, submission.email
        return redirect(url_for(".sent", lang=current()), 303)

    def admitted(form: RequestForm, cookie: _CsrfCookie) -> str:
        """The form token's nonce, once the honeypot, the CSRF token and the form token
        all pass; FormRefused saying which did not."""
        if (form.website.data or "").strip():  # first: a form shown again would clear it
            raise FormRefused(Refusal.HONEYPOT)
        if not form.csrf_token.validate(form):
            raise FormRefused(cookie.refusal(form.csrf_token.errors))
        return tokens.read(form.form_token.data)

    @pages.get("/request/sent")
    @in_visitor_language
    def sent():
        return render_template("sent.html", sent_to=session.pop("sent_to", None))

    @pages.get("/request/confirm/<token>")
    @in_visitor_language
    def confirm_page(token: str):
        try:
            if web.links is None:
                raise LinkAltered()
            submission = web.submissions.get(web.links.read_confirm(token, any_age=True))
            if submission is not None and submission.request_id is not None:  # opened again, however late
                return confirmed_page(Confirmation(request=web.requests.get(submission.request_id), first_time=False))
            web.links.read_confirm(token)  # not confirmed yet: the link's 48 hours apply
        except LinkExpired:
            return link_problem(expired=True)
        except LinkAltered:
            return link_problem(expired=False)
        with language(visitor_language(chosen=submission and submission.language)):
            return render_template("confirm.html", private=True)

    @pages.post("/request/confirm/<token>")
    @limiter.limit(CONFIRMS_PER_ADDRESS)
    @in_visitor_language
    def confirm(token: str):
        try:
            confirmation = web.confirm(token)
        except LinkExpired:
            return link_problem(expired=True)
        except LinkAltered:
            return link_problem(expired=False)
        return confirmed_page(confirmation)

    def confirmed_page(confirmation: Confirmation) -> str:
        logged = confirmation.request
        with language(visitor_language(chosen=logged.requester_language)):
            return render_template(
                "confirmed.html",
                private=True,
                ref=logged.ref,
                first_time=confirmation.first_time,
                status_url=web.links.status_url(logged.id),
            )

    def link_problem(expired: bool) -> tuple[str, int]:
        return render_template("link.html", private=True, expired=expired), 410 if expired else 404

    @pages.get("/request/<token>")
    @in_visitor_language
    def status(token: str):
        try:
            shown = web.status(token)
        except (LinkAltered, LinkExpired):
            return link_problem(expired=False)
        with language(visitor_language(chosen=shown.request.requester_language)):
            return render_template("status.html", private=True, **status_page(shown))

    @pages.errorhandler(429)
    def too_many(_error):
        with language(visitor_language()):
            return refused(Refusal.TOO_MANY, 429)

    @pages.errorhandler(413)
    def too_large(_error):
        with language(visitor_language(read_form=False)):  # the body is what was too large
            return refused(Refusal.TOO_LARGE, 413)

    @pages.errorhandler(500)
    def failed(_error):
        with language(visitor_language(read_form=False)):
            return render_template("failed.html"), 500

    return pages


@dataclass(frozen=True)
class _CsrfCookie:
    """The session as the browser sent it, to say why a CSRF token was refused."""

    sent: bool  # any session cookie at all
    had_token: bool  # a CSRF token in it
    held: bool  # a form from this session was held before

    def refusal(self, errors: list[str]) -> Refusal:
        if not self.sent:
            return Refusal.NO_COOKIE
        if not self.had_token and self.held:  # rotated away by the submission it made
            return Refusal.REUSED
        if any("expired" in error for error in errors):  # Flask-WTF's reason, in English
            return Refusal.STALE
        return Refusal.CSRF


def status_page(shown: PublicStatus) -> dict:
    """What the status page shows of a request, in the current language."""
    req = shown.request
    strategies = {s.tag: s for s in STRATEGIES}
    return {
        "ref": req.ref,
        "status": status_label(req.status),
        "places": places_label(req.country),
        "need": req.need,
        "strategies": ", ".join(_(strategies[t].name) for t in req.strategies if t in strategies),
        "kind": _(KINDS[req.kind]) if req.kind in KINDS else None,
        "due": day(req.due_date, _DATE) if req.due_date else None,
        "requester": req.requester_organisation or req.requester_name or "",
        "organisation": shown.organisation,
        "history": [_event(event, req.ref) for event in shown.history],
    }


def _event(event: PublicEvent, ref: str) -> dict:
    at: datetime = event.at
    line, note = _event_line(event, ref), None
    if event.kind == "note":
        note = event.text
    return {"iso": at.date().isoformat(), "day": day(at.date(), _DATE), "line": line, "note": note}


def _event_line(event: PublicEvent, ref: str) -> str:
    match event.kind:
        case "created":
            return _("Received and logged as {ref}.", ref=ref)
        case "assigned" if event.organisation:
            return _("Brokered to {organisation}.", organisation=event.organisation)
        case "assigned":
            return _("Brokered to a member organisation.")
        case "reopened":
            return _("Reopened: it is {status} again.", status=status_label(event.status or "new"))
        case "note":
            return _("A note from the coordinators:")
    return _("Now {status}.", status=status_label(event.status or ""))
