"""The email backends: Amazon SES on a stage (django-ses), the local outbox everywhere else.

`SESEmailBackend` is django-ses's backend with its client taken from `bookstore.aws.client`,
like every AWS client of the project: the function's role through the default credential
chain on a stage, no SMTP password to keep as a secret. With USE_SES_V2 it makes one SESv2
`SendEmail` call per message (the raw MIME message), IAM action `ses:SendEmail` on the
identity of the From address. `OutboxEmailBackend` writes each message under
LOCAL_STATE_DIR/outbox (`emails.outbox`).
"""

from django.core.mail.backends.base import BaseEmailBackend
from django_ses import SESBackend

from bookstore import aws
from emails.outbox import outbox_write


class SESEmailBackend(SESBackend):
    """django-ses's SESBackend, its SES client built by `bookstore.aws.client` (shared, never closed)."""

    def open(self):
        if self.connection:
            return False
        self.connection = aws.client("sesv2" if self._use_ses_v2 else "ses")
        return True

    def close(self):
        self.connection = None  # the client is shared with the rest of the process: nothing to close

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        for message in email_messages or []:
            # django-ses leaves SES's MessageId among the headers; the record keeps it.
            message.sent_message_id = message.extra_headers.get("message_id")
        return sent


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to the local outbox (`emails.outbox`) instead of sending it."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages or []:
            message.sent_message_id = outbox_write(message)
            count += 1
        return count
