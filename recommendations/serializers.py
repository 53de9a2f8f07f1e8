"""Output of the recommendations endpoint: books as the search index holds them, each with its reason."""

from rest_framework import serializers

from catalog.serializers import BookHitOutputSerializer


class RecommendationOutputSerializer(serializers.Serializer):
    book = BookHitOutputSerializer()
    reason = serializers.CharField(help_text='e.g. "bought together with Clean Code".')


class RecommendationListOutputSerializer(serializers.Serializer):
    results = RecommendationOutputSerializer(many=True)
