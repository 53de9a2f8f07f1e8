"""`outbound_worker`: the local worker of the outbound queue."""
