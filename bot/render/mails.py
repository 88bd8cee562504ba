"""The mails a requester from the public page is sent: confirm your request, it is logged,
its status changed, a note from the coordinators. Plain UTF-8 text, in the language they
wrote the form in, with the signed links (bot/domain/web_links.py) each on a line of its own,
so that a mail program makes them clickable whole.

What a visitor typed (a name, an organisation, the need) is theirs, not ours: it never
reaches a header but through email.headerregistry, which encodes it, and it is stripped of
line breaks and control characters first, so no value can start a header of its own.
"""

from __future__ import annotations

import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage

from bot.domain.ta import KINDS
from bot.i18n import _, current, day, language
from bot.parsing.places import places_label
from bot.parsing.vocabulary import status_label
from storage.organisations import Organisation
from storage.outbox import MAIL_LANE
from storage.ta_requests import TAEvent, TARequest
from storage.web_submissions import WebSubmission

SUMMARY_LENGTH = 200  # the need, in the confirmation's one-line summary
NOTE_LENGTH = 5000
NAME_LENGTH = 200
SIGNATURE = "IWG Bot"


class NotAnAddress(ValueError):
    """An address no header can carry (the page checks them; an old row might not be)."""


def one_line(text: str, most: int = NAME_LENGTH) -> str:
    """`text` on one line, without control characters (CR, LF, NUL…), at most `most` long."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    line = " ".join(kept.split())
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"


def recipient(name: str | None, email: str) -> Address:
    """`Name <email>`, the name encoded by the header registry, never able to break the header."""
    address = email.strip()
    if not address or any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or c.isspace() for c in address):
        raise NotAnAddress(f"not an email address: {address!r}")
    try:
        return Address(display_name=one_line(name or ""), addr_spec=address)
    except (ValueError, IndexError) as error:
        raise NotAnAddress(f"not an email address: {address!r}") from error


def _mail(to: Address, subject: str, paragraphs: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = one_line(subject, 250)
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies to a bot's mail (RFC 3834)
    message.set_content("\n\n".join([*paragraphs, f"-- \n{SIGNATURE}"]) + "\n", charset="utf-8")
    message["Content-Language"] = current()  # after the content, which clears the Content-* headers
    return message


def _hello(name: str | None) -> str:
    shown = one_line(name or "")
    return _("Hello {name},", name=shown) if shown else _("Hello,")


def _quoted(text: str) -> str:
    """A visitor's or a coordinator's text, set apart as mail quotes it."""
    lines = (text or "")[:NOTE_LENGTH].splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def _summary(submission: WebSubmission) -> str:
    values = {"places": places_label(submission.places), "need": one_line(submission.need, SUMMARY_LENGTH)}
    if submission.kind in KINDS:
        return _("{kind} for {places}: {need}", kind=_(KINDS[submission.kind]), **values)
    return _("Technical assistance for {places}: {need}", **values)


def confirm(submission: WebSubmission, confirm_url: str) -> EmailMessage:
    """The first mail: nothing reaches the coordinators until its link is followed."""
    with language(submission.language):
        paragraphs = [
            _hello(submission.name),
            _("You asked the INSPIRE Implementation Working Group for technical assistance:"),
            f"  {_summary(submission)}",
        ]
        if submission.due_date:
            paragraphs.append(_("You would like it by {date}.", date=day(submission.due_date, "long")))
        paragraphs += [
            with_link(_("To send your request to the coordinators, confirm it by opening this link:"), confirm_url),
            _("The link works for 48 hours. If you did not ask for this, ignore this mail and nothing happens."),
        ]
        return _mail(
            recipient(submission.name, submission.email),
            _("[IWG] Confirm your request for technical assistance"),
            paragraphs,
        )


def with_link(sentence: str, url: str) -> str:
    """A whole sentence, and the link (or a quoted note) on the line after it: never inside
    the translated text, where an Arabic sentence's direction marks would end up in an address."""
    return f"{sentence}\n{url}"


def _requester(request: TARequest) -> Address:
    email = request.requester_email or request.requester.removeprefix(MAIL_LANE)
    return recipient(request.requester_name, email)


def _follow(status_url: str) -> str:
    return with_link(_("Follow your request at this link:"), status_url)


def logged(request: TARequest, status_url: str) -> EmailMessage:
    """After the confirmation: its TA number, and the link back to it for as long as it runs."""
    with language(request.requester_language):
        paragraphs = [
            _hello(request.requester_name),
            _(
                "Thank you for confirming. Your request for {places} is logged as {ref}, and the coordinators "
                "of the working group have it.",
                places=places_label(request.country),
                ref=request.ref,
            ),
            _follow(status_url),
            _("Keep this mail: the link does not expire, and you will be mailed when your request moves on."),
        ]
        return _mail(_requester(request), _("[IWG] {ref}: your request is logged", ref=request.ref), paragraphs)


def status_changed(
    request: TARequest, organisation: Organisation | None, reopened: str | None, status_url: str
) -> EmailMessage:
    """A change of status, as it was when it changed; `reopened` (its note, or "") when a
    coordinator brought it back."""
    with language(request.requester_language):
        values = {"ref": request.ref, "places": places_label(request.country), "status": status_label(request.status)}
        paragraphs = [_hello(request.requester_name)]
        if reopened is not None:
            subject = _("[IWG] {ref}: reopened", ref=request.ref)
            paragraphs.append(_("Your request {ref} ({places}) was reopened: its status is {status} again.", **values))
            if reopened:
                paragraphs.append(with_link(_("The coordinators wrote:"), _quoted(reopened)))
        else:
            subject = _("[IWG] {ref}: {status}", ref=request.ref, status=values["status"])
            paragraphs.append(_("The status of your request {ref} ({places}) is now: {status}.", **values))
        if organisation is not None:
            paragraphs.append(_("It was assigned to {organisation}.", organisation=one_line(organisation.label)))
        paragraphs.append(_follow(status_url))
        return _mail(_requester(request), subject, paragraphs)


def noted(request: TARequest, event: TAEvent, status_url: str) -> EmailMessage:
    """A note a coordinator made public (`/ta note <id> public <text>`)."""
    with language(request.requester_language):
        paragraphs = [
            _hello(request.requester_name),
            with_link(
                _(
                    "The coordinators added a note to your request {ref} ({places}):",
                    ref=request.ref,
                    places=places_label(request.country),
                ),
                _quoted(event.text or ""),
            ),
            _follow(status_url),
        ]
        return _mail(_requester(request), _("[IWG] {ref}: a note from the coordinators", ref=request.ref), paragraphs)
