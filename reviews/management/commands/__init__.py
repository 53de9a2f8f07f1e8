"""The reviews app's commands: `recount_reviews`."""
