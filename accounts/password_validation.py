"""Password validators of our own, beside Django's in AUTH_PASSWORD_VALIDATORS."""

from django.core.exceptions import ValidationError

ONLY_WHITESPACE = "The password cannot be only spaces or other whitespace."


class NotOnlyWhitespaceValidator:
    """Refuse a password made of whitespace alone ("        " passes every length rule)."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(ONLY_WHITESPACE, code="password_only_whitespace")

    def get_help_text(self) -> str:
        return "Your password cannot be only whitespace."
