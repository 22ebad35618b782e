"""A customer's order before checkout."""

from dataclasses import dataclass, field
from decimal import Decimal

from shop.pricing import line_total


@dataclass
class Cart:
    lines: dict[str, tuple[Decimal, int]] = field(default_factory=dict)

    def add(self, sku: str, unit_price: Decimal, quantity: int = 1) -> None:
        """Adds units of a product; adding the same SKU again increases its quantity."""
        price, current = self.lines.get(sku, (unit_price, 0))
        self.lines[sku] = (price, current + quantity)

    def total(self) -> Decimal:
        return sum((line_total(price, qty) for price, qty in self.lines.values()), Decimal("0.00"))
