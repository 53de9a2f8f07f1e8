"""The languages the API answers in, and where their message catalogues are.

A request's language is its user's profile language, then Accept-Language, then its
tenant's default (`bookstore.languages`). The project's catalogue (every app's messages and
templates) is `bookstore/locale/<lang>/LC_MESSAGES/django.po` in the repository, compiled to
`.mo` by the build (`python -m deploy.catalogues`). Named in LOCALE_PATHS, it comes before the
catalogues of Django and DRF, which translate their own messages.
"""

from pathlib import Path

USE_I18N = True
# English is the source language of every message, and the answer when nothing names another.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
