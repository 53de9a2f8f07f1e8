"""Personalised recommendations, the one module that reads accounts, orders and catalog together.

It reads favourites and preferences (accounts), purchases (orders), sales signals and the
search index (catalog). It sits above orders in the layers contract, so catalog keeps
importing neither accounts nor orders.
"""
