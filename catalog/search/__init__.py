"""Catalogue search on Elasticsearch 8 through elasticsearch-dsl: one index per tenant behind an alias.

Modules: `engine` (which cluster serves a tenant, one client per URL), `documents` (the mapping
and how a book becomes a document), `index` (names, creation, alias swaps), `indexer` (the
stream-driven writes), `queries` (search, suggest, recommendation candidates) and `rebuild`
(the full reindex). The elasticsearch packages are imported only inside these modules'
functions or by modules that only those functions import, never at Django start-up.
"""
