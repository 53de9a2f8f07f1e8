"""Output of the recommendations endpoint: books as the search index holds them, each with its reason."""

from rest_framework import serializers

from catalog.serializers import BookHitSerializer


class RecommendationSerializer(serializers.Serializer):
    book = BookHitSerializer()
    reason = serializers.CharField(help_text='e.g. "bought together with Clean Code".')


class RecommendationListSerializer(serializers.Serializer):
    results = RecommendationSerializer(many=True)
