"""setup_analytics and build_daily_summary."""
