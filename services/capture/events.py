"""Events capture publishes (its public contract)."""
