"""Input and output serializers of the review, vote and moderation endpoints."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookstore.pagination import PageQuerySerializer
from bookstore.serializers import InputSerializer
from reviews.models import BODY_MAX_LENGTH, HIDDEN_REASON_MAX_LENGTH, SCORE_MAX, SCORE_MIN, STATUSES, TITLE_MAX_LENGTH
from reviews.selectors import SORTS


class TextField(serializers.CharField):
    """Text as sent: a JSON string only (a number or a list is refused, not turned into text)."""

    default_error_messages = {"not_text": _("Send text (a JSON string).")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class ReviewInputSerializer(InputSerializer):
    """A new review: a score, and optionally a title and a body (stored as given, escaped where shown)."""

    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    title = TextField(max_length=TITLE_MAX_LENGTH, allow_blank=True, default="", trim_whitespace=False)
    body = TextField(max_length=BODY_MAX_LENGTH, allow_blank=True, default="", trim_whitespace=False)


class ReviewUpdateInputSerializer(InputSerializer):
    """A change of one's review: only the fields sent change."""

    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX, required=False)
    title = TextField(max_length=TITLE_MAX_LENGTH, allow_blank=True, required=False, trim_whitespace=False)
    body = TextField(max_length=BODY_MAX_LENGTH, allow_blank=True, required=False, trim_whitespace=False)


class ReviewListQuerySerializer(PageQuerySerializer):
    sort = serializers.ChoiceField(choices=tuple(SORTS), default="newest")
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX, required=False)
    verified = serializers.BooleanField(default=False, help_text="Only reviews by verified buyers.")


class VoteInputSerializer(InputSerializer):
    helpful = serializers.BooleanField(help_text="true: helpful; false: not helpful.")


class HideInputSerializer(InputSerializer):
    reason = TextField(max_length=HIDDEN_REASON_MAX_LENGTH, help_text="Shown to the review's author.")


class AdminReviewListQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(choices=STATUSES, default="pending")


class ModerationInputSerializer(InputSerializer):
    moderated = serializers.BooleanField(help_text="true: new reviews wait for an admin's approval.")


class ModerationOutputSerializer(serializers.Serializer):
    moderated = serializers.BooleanField(source="reviews_moderated")


class ReviewOutputSerializer(serializers.Serializer):
    """A review as anyone reads it: the author as first name and last initial, never an email."""

    review_id = serializers.CharField()
    book_id = serializers.CharField()
    score = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField(source="author_name")
    verified_purchase = serializers.BooleanField()
    helpful_count = serializers.IntegerField(help_text="Readers who found it helpful (a few seconds behind).")
    unhelpful_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)
    vote_url = serializers.SerializerMethodField(help_text="Where to vote on it (the browsable API's vote form).")

    def get_vote_url(self, review) -> str:
        path = reverse("review-vote", kwargs={"review_id": review.review_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class OwnReviewOutputSerializer(ReviewOutputSerializer):
    """A review as its author (or an admin) reads it: with its status and, when hidden, why."""

    status = serializers.ChoiceField(choices=STATUSES)
    hidden_reason = serializers.CharField(allow_null=True)


class VoteOutputSerializer(serializers.Serializer):
    review_id = serializers.CharField()
    helpful = serializers.BooleanField()
