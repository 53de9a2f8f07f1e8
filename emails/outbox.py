"""The local outbox: each message the outbox backend sends is a file, listed per tenant for the developer.

`LOCAL_STATE_DIR/outbox/{tenant_id}/{message_id}.json` holds what the browsable UI shows
(sender, recipients, subject, language, the text and HTML parts) and `{message_id}.eml` the
whole MIME message, as SES would have received it. A message id starts with the UTC time it
was written, so the names sort oldest first and a page lists them newest first. A message
sent without a tenant (none of ours) goes under `_no_tenant`, which no tenant's page lists.
"""

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from bookstore.errors import ApplicationError
from bookstore.pagination import Page, decode_cursor, encode_cursor
from emails.errors import EmailsError

NO_TENANT = "_no_tenant"
MESSAGE_ID_PATTERN = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")


def outbox_dir() -> Path:
    return Path(settings.LOCAL_STATE_DIR) / "outbox"


def outbox_enabled() -> bool:
    """Whether the configured EMAIL_BACKEND writes the outbox (the local and test default)."""
    from emails.backends import OutboxEmailBackend

    backend = import_string(settings.EMAIL_BACKEND)
    return isinstance(backend, type) and issubclass(backend, OutboxEmailBackend)


def outbox_write(message) -> str:
    """File one EmailMessage in its tenant's outbox; returns its message id."""
    written = datetime.now(UTC)
    message_id = f"{written:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}"
    tenant_id = getattr(message, "tenant_id", None) or NO_TENANT
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    entry = {
        "message_id": message_id,
        "tenant_id": tenant_id,
        "email_id": getattr(message, "email_id", None),
        "kind": getattr(message, "email_kind", None),
        "language": getattr(message, "language", None),
        "created_at": written.isoformat(),
        "from_email": message.from_email,
        "to": list(message.to),
        "subject": message.subject,
        "text": message.body,
        "html": html,
    }
    folder = outbox_dir() / tenant_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{message_id}.eml").write_bytes(message.message().as_bytes())
    (folder / f"{message_id}.json").write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")
    return message_id


def _require_outbox() -> None:
    if not outbox_enabled():
        raise ApplicationError(EmailsError.OUTBOX_NOT_CONFIGURED)


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def outbox_list(*, tenant_id: str, limit: int, cursor: str | None = None) -> Page:
    """A page of the tenant's outbox, newest first; the cursor is bound to the tenant."""
    _require_outbox()
    scope = f"outbox:{tenant_id}"
    position = decode_cursor(cursor, scope=scope)
    before = str(position.get("before", "")) if position else None
    folder = outbox_dir() / tenant_id
    names = sorted((p.stem for p in folder.glob("*.json")), reverse=True) if folder.is_dir() else []
    if before:
        names = [name for name in names if name < before]
    page = names[:limit]
    items = [_read(folder / f"{name}.json") for name in page]
    next_cursor = encode_cursor({"before": page[-1]}, scope=scope) if len(names) > limit else None
    return Page(items=items, next_cursor=next_cursor)


def outbox_get(*, tenant_id: str, message_id: str) -> dict[str, Any]:
    """One message of the tenant's outbox, with its text and HTML parts."""
    _require_outbox()
    path = outbox_dir() / tenant_id / f"{message_id}.json"
    if not MESSAGE_ID_PATTERN.match(message_id) or not path.is_file():
        raise ApplicationError(EmailsError.MESSAGE_NOT_FOUND)
    return _read(path)
