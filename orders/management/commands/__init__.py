"""expire_pending_orders."""
