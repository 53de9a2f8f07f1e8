"""DynamoDB plumbing shared by every app.

Model configuration and the table registry, the condition-failure test, labelled
transactions, and the clock every timestamp comes from.
"""
