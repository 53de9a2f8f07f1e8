"""An email record as a message: its templates rendered in the recipient's language, branded for the tenant.

Each kind has three templates under `emails/templates/emails/`: `{kind}_subject.txt` (one
line), `{kind}.txt` (the text part) and `{kind}.html` (the HTML part), all rendered under
`translation.override(preferred_language(user.language, tenant.language))`. The message
comes from `"{tenant name}" <{tenant's sender_email or DEFAULT_FROM_EMAIL}>`.
"""

import json

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User
from bookstore.languages import preferred_language
from bookstore.models import Tenant
from emails.models import EmailRecord


def sender_address(tenant: Tenant) -> str:
    """`"Shop name" <address>`: the tenant's own sender if it set one, else DEFAULT_FROM_EMAIL.

    Django encodes a name that is not ASCII (RFC 2047) when it builds the message.
    """
    name = tenant.name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{tenant.sender_email or settings.DEFAULT_FROM_EMAIL}>'


def email_language(*, user: User, tenant: Tenant) -> str:
    """The recipient's profile language, else the tenant's default, else LANGUAGE_CODE."""
    return preferred_language(user.language, tenant.language)


def email_message(*, record: EmailRecord, user: User, tenant: Tenant) -> EmailMultiAlternatives:
    """The record's email to `user`, with a text part and an HTML part, ready to send."""
    language = email_language(user=user, tenant=tenant)
    context = {
        **json.loads(record.context),
        "shop_name": tenant.name,
        "first_name": user.first_name,
        "language": language,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{record.kind}_subject.txt", context).split())
        text = render_to_string(f"emails/{record.kind}.txt", context)
        html = render_to_string(f"emails/{record.kind}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender_address(tenant),
        to=[user.email],
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    # What the local outbox files the message under; SES ignores them.
    message.tenant_id = record.tenant_id
    message.email_id = record.email_id
    message.email_kind = record.kind
    message.language = language
    return message
