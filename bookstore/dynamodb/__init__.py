"""DynamoDB plumbing shared by every app: model configuration, the table registry, uniqueness keys."""
