"""Reconciliation: a provider's day bill ↔ our orders, payments and refunds ↔ the students photographed."""
