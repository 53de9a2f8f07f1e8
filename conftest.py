"""The root of the test suite: every fixture lives in `testing.fixtures`, registered here.

The factories behind them are plain functions in `testing.factories`, which tests may import.
"""

pytest_plugins = ["testing.fixtures"]
