"""Attribute types PynamoDB lacks: exact decimals for money and ratings."""

from decimal import Decimal

from pynamodb.attributes import Attribute
from pynamodb.constants import NUMBER


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number read and written as `Decimal`, never through float."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(Decimal(value))

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)
