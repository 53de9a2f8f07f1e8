"""Password validators of our own, beside Django's in AUTH_PASSWORD_VALIDATORS."""

from types import SimpleNamespace

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ONLY_WHITESPACE = _("The password cannot be only spaces or other whitespace.")


class NotOnlyWhitespaceValidator:
    """Refuse a password made of whitespace alone ("        " passes every length rule)."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(ONLY_WHITESPACE, code="password_only_whitespace")

    def get_help_text(self) -> str:
        return _("Your password cannot be only whitespace.")


class _FieldNames:
    """The `_meta` Django's similarity validator asks a model for: a user's fields are named by their attribute."""

    @staticmethod
    def get_field(name: str):
        return SimpleNamespace(verbose_name=name.replace("_", " "))


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Django's check that a password is not like the email or the names, for our PynamoDB users.

    Django's validator names the field at fault through `user._meta`, which only ORM models
    have; it is given the user's attributes under a stand-in for it.
    """

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        attributes = {name: getattr(user, name, None) for name in self.user_attributes}
        super().validate(password, SimpleNamespace(_meta=_FieldNames, **attributes))
