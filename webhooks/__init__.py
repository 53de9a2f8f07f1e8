"""Webhooks: tenant admins register endpoints; order and stock events are delivered to them, signed and retried."""
