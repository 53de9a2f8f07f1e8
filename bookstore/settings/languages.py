"""The languages the API answers in, and where their message catalogues are.

A request's language is its user's profile language, then Accept-Language, then its
tenant's default (`bookstore.languages`). The catalogues are `locale/<lang>/LC_MESSAGES/django.po`
in the repository, compiled to `.mo` by the build (`python -m deploy.catalogues`).
"""

from pathlib import Path

USE_I18N = True
# English is the source language of every message, and the answer when nothing names another.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent.parent / "locale"]
