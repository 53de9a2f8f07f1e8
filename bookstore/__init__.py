"""The bookstore project: settings, URLs and the code every app shares."""
