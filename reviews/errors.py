"""Error codes of the reviews app."""

from django.utils.translation import gettext_lazy as _

from bookstore.errors import ErrorCode


class ReviewsError(ErrorCode):
    REVIEW_EXISTS = ("review_exists", 409, _("You have already reviewed this book: change or delete that review."))
    REVIEW_NOT_FOUND = ("review_not_found", 404, _("Review not found."))
    OWN_REVIEW_VOTE = ("own_review_vote", 403, _("You cannot vote on your own review."))
    VOTE_NOT_FOUND = ("vote_not_found", 404, _("You have not voted on this review."))
    REVIEW_CHANGED = (
        "review_changed",
        409,
        _("The review changed while it was being updated. Read it again and retry."),
    )
