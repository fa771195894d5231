"""destinations checks."""
