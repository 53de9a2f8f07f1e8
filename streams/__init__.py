"""DynamoDB Streams: the handler registry, Lambda entry points and the local poller."""
