"""Notices to a tenant's admins: a webhook endpoint was disabled after repeated failures.

The webhooks worker calls `endpoint_disabled_notify` when it disables an endpoint, and again
whenever a failed delivery's message comes back. Each admin gets one email per disabling: the
record's id derives from the endpoint, the disabling (`disabled_at`, the instant stored on the
endpoint when it was disabled) and the admin, so a call repeated for the same disabling (a
redelivered message, a retry after a crash) records and sends nothing twice, and an endpoint
re-enabled and disabled again notifies again.
"""

from datetime import datetime

from accounts.selectors import admins_list
from emails.models import ENDPOINT_DISABLED
from emails.records import EmailToSend, email_id_for, emails_record


def endpoint_disabled_notify(
    *, tenant_id: str, endpoint_id: str, url: str, failures: int, disabled_at: datetime
) -> None:
    """Email each of the tenant's admins, once per disabling, that the endpoint was disabled.

    One Query of the users' sparse `admin-index` (admins only), one PutItem per admin, one
    SendMessageBatch. Raises if DynamoDB or SQS cannot take it now; calling again is safe.
    """
    disabling = disabled_at.isoformat()
    context = {
        "endpoint_id": endpoint_id,
        "url": url,
        "failures": int(failures),
        "disabled_at": disabling,
    }
    emails_record(
        [
            EmailToSend(
                tenant_id=tenant_id,
                email_id=email_id_for(tenant_id, "endpoint-disabled", endpoint_id, disabling, admin.user_id),
                kind=ENDPOINT_DISABLED,
                user_id=admin.user_id,
                context=context,
            )
            for admin in admins_list(tenant_id=tenant_id)
        ]
    )
