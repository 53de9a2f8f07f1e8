"""Emails to customers and tenant admins: order confirmations, cancellation and expiry notices, endpoint notices."""
