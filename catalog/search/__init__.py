"""Search: the Elasticsearch catalogue index (owned by the search work; see indexer.py for the interface)."""
