"""WSGI entry point; Zappa serves this application on Lambda."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.production")

application = get_wsgi_application()
