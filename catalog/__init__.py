"""Books, categories, search, recommendations and best-sellers."""
