"""The reviews app: readers' reviews and helpful votes, moderation, and the exact rating aggregates."""
