"""Email addresses as the accounts app compares them: login, registration and throttling agree."""


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively: `Ana@Example.com` and `ana@example.com` are one account."""
    return email.strip().lower()
