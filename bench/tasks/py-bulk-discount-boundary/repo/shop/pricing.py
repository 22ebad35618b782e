"""Current price rules."""

from decimal import ROUND_HALF_UP, Decimal

#: Orders of at least this many units of one product get BULK_DISCOUNT off that line.
BULK_THRESHOLD = 10
BULK_DISCOUNT = Decimal("0.10")
CENT = Decimal("0.01")


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    """Price of one order line, with the bulk discount for 10 or more units, rounded to cents."""
    if quantity < 0:
        raise ValueError(f"quantity must not be negative, got {quantity}")
    subtotal = unit_price * quantity
    if quantity > BULK_THRESHOLD:
        subtotal -= subtotal * BULK_DISCOUNT
    return subtotal.quantize(CENT, rounding=ROUND_HALF_UP)
