"""Input and output serializers of the accounts endpoints."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import WISHLIST_PRIORITY_DEFAULT, WISHLIST_PRIORITY_MAX, WISHLIST_PRIORITY_MIN
from accounts.tokens import token_refresh
from bookstore.iso_codes import LANGUAGES
from bookstore.models import TENANT_ID_MAX_LENGTH
from bookstore.serializers import InputSerializer
from catalog.serializers import BookOutputSerializer

MESSAGE_LANGUAGES = settings.LANGUAGES  # (code, name): the forms of the browsable API show the name


def _password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(write_only=True, max_length=128, trim_whitespace=False, **kwargs)


def _check_password_strength(value: str) -> str:
    try:
        validate_password(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(list(exc.messages)) from exc
    return value


class PreferencesOutputSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(max_length=60), max_length=20, required=False)
    language = serializers.ChoiceField(choices=sorted(LANGUAGES), required=False, allow_null=True)


class PreferencesInputSerializer(InputSerializer, PreferencesOutputSerializer):
    """The preferences as a profile change sends them: the same fields, and an unknown one is refused."""


class UserOutputSerializer(serializers.Serializer):
    user_id = serializers.CharField()
    tenant_id = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.CharField()
    language = serializers.ChoiceField(
        choices=MESSAGE_LANGUAGES,
        allow_null=True,
        help_text="The language of the API's messages to this user; null: Accept-Language, then the shop's default.",
    )
    preferences = PreferencesOutputSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)


class RegisterInputSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password_field()
    first_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    tenant_id = serializers.CharField(max_length=TENANT_ID_MAX_LENGTH)

    def validate_password(self, value):
        return _check_password_strength(value)


class LoginInputSerializer(InputSerializer):
    email = serializers.CharField(max_length=254)
    password = _password_field()
    tenant_id = serializers.CharField(max_length=TENANT_ID_MAX_LENGTH)


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = UserOutputSerializer()


class RefreshInputSerializer(InputSerializer):
    refresh = serializers.CharField(max_length=4096)


class TokenRefreshSerializer(RefreshInputSerializer):
    """simplejwt's TOKEN_REFRESH_SERIALIZER: checks the DynamoDB revocation list, never the ORM."""

    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        return token_refresh(refresh=attrs["refresh"])


class AccessTokenOutputSerializer(serializers.Serializer):
    access = serializers.CharField()


class ProfileInputSerializer(InputSerializer):
    first_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    last_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    language = serializers.ChoiceField(
        choices=MESSAGE_LANGUAGES,
        allow_null=True,
        required=False,
        help_text="The language of the API's messages (es or en; null: Accept-Language, then the shop's default). "
        "Access tokens carry it: it applies from the next login or token refresh.",
    )
    preferences = PreferencesInputSerializer(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Give at least one of first_name, last_name, language, preferences."))
        return attrs


class PasswordChangeInputSerializer(InputSerializer):
    current_password = _password_field()
    new_password = _password_field()

    def validate_new_password(self, value):
        return _check_password_strength(value)


class FavoriteOutputSerializer(serializers.Serializer):
    book_id = serializers.CharField(source="entry.book_id")
    added_at = serializers.DateTimeField(source="entry.added_at")
    book = BookOutputSerializer(allow_null=True, help_text="null once the book is no longer sold.")


class WishlistOutputSerializer(FavoriteOutputSerializer):
    priority = serializers.IntegerField(source="entry.priority")


class WishlistInputSerializer(InputSerializer):
    priority = serializers.IntegerField(
        min_value=WISHLIST_PRIORITY_MIN,
        max_value=WISHLIST_PRIORITY_MAX,
        default=WISHLIST_PRIORITY_DEFAULT,
        help_text=f"{WISHLIST_PRIORITY_MIN} = most wanted.",
    )


class WishlistPriorityInputSerializer(InputSerializer):
    priority = serializers.IntegerField(min_value=WISHLIST_PRIORITY_MIN, max_value=WISHLIST_PRIORITY_MAX)
