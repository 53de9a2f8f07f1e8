"""consume_streams, parked_records and wire_streams."""
