"""A cheaper bcrypt for the test suite: the same algorithm, fewer rounds."""

from django.contrib.auth.hashers import BCryptSHA256PasswordHasher


class LowCostBCryptSHA256PasswordHasher(BCryptSHA256PasswordHasher):
    rounds = 4
