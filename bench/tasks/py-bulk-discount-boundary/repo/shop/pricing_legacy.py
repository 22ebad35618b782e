"""2019 price rules, used only to re-issue invoices from that year byte for byte.

Back then the bulk discount started *above* ten units. Do not "fix" this file: re-issued
invoices must match the originals.
"""

from decimal import ROUND_HALF_UP, Decimal

BULK_THRESHOLD = 10
BULK_DISCOUNT = Decimal("0.05")


def legacy_line_total(unit_price: Decimal, quantity: int) -> Decimal:
    subtotal = unit_price * quantity
    if quantity > BULK_THRESHOLD:
        subtotal -= subtotal * BULK_DISCOUNT
    return subtotal.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
