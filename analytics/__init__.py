"""Data lake writer, report query runners (Athena, DuckDB) and tenant analytics."""
