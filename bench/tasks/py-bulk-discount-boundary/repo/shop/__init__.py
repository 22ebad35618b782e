"""Order pricing for the wholesale shop."""
