#!/usr/bin/env python
"""Django's command-line utility; defaults to the local settings (the running `make run` stack)."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookstore.settings.local")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        # Locally, an emulator that does not answer means no stack is running: say so in one line.
        if os.environ["DJANGO_SETTINGS_MODULE"] != "bookstore.settings.local":
            raise
        from django.conf import settings

        from local_stack.stack import unreachable_message

        message = unreachable_message(exc, settings.DYNAMODB_ENDPOINT_URL)
        if message is None:
            raise
        sys.exit(message)


if __name__ == "__main__":
    main()
