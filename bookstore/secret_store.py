"""The secrets of a deployed stage, read from SSM Parameter Store (SecureString) when the settings load.

Settings load once per Lambda container, so each container makes one GetParameters call at
start and none afterwards. The parameters are named per stage (`/bookstore/{stage}/NAME`)
and never appear in zappa_settings.json or in the Lambda's environment. The settings are
not loaded yet, so the client is built from the region alone (bookstore/aws.py): the
credentials follow botocore's default chain (the Lambda role's key, secret and token on
AWS), and the `AWS_ENDPOINT_URL_SSM` variable points a test or benchmark at the emulator.
"""

from django.core.exceptions import ImproperlyConfigured


def ssm_parameter_name(*, prefix: str, name: str) -> str:
    """`/bookstore/dev/` + `DJANGO_SECRET_KEY` → `/bookstore/dev/DJANGO_SECRET_KEY`."""
    return f"{prefix.rstrip('/')}/{name}"


def secrets_load(*, prefix: str, names: list[str], region: str) -> dict[str, str]:
    """Each secret's decrypted value, by short name; ImproperlyConfigured names any that is missing.

    One GetParameters call (at most 10 names, which is plenty for a stage's secrets).
    """
    from bookstore.aws import client_build

    client = client_build("ssm", region_name=region)
    full_names = {ssm_parameter_name(prefix=prefix, name=name): name for name in names}
    response = client.get_parameters(Names=list(full_names), WithDecryption=True)
    if response["InvalidParameters"]:
        missing = ", ".join(sorted(response["InvalidParameters"]))
        raise ImproperlyConfigured(f"Missing SSM parameters (create them as SecureString): {missing}")
    return {full_names[parameter["Name"]]: parameter["Value"] for parameter in response["Parameters"]}
