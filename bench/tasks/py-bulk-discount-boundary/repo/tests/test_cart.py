import unittest
from decimal import Decimal

from shop.cart import Cart


class CartTest(unittest.TestCase):
    def test_adding_a_sku_twice_adds_up_quantities(self):
        cart = Cart()
        cart.add("tea", Decimal("4.00"), 6)
        cart.add("tea", Decimal("4.00"), 4)
        cart.add("mug", Decimal("7.50"))
        # 10 teas get the bulk discount: 40.00 - 4.00, plus one mug.
        self.assertEqual(cart.total(), Decimal("43.50"))


if __name__ == "__main__":
    unittest.main()
