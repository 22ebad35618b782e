"""CSV sales reports."""
