"""goods checks."""
