"""Events scheduling publishes (its public contract). None yet: capture days arrive with allocation."""
