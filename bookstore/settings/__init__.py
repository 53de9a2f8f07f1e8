"""Settings: four environments (base, local, test, production), and one module per concern that base gathers.

`DJANGO_SETTINGS_MODULE` names local (the embedded default), test or production; each of
them sets STAGE and takes the names derived from it (stage.py). base.py holds Django itself
and imports aws, security, jwt, api, limits, streams, search, analytics and logs.
"""
