"""Events payments publishes (its public contract)."""
