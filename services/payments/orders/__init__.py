"""Orders: one student order per student and term, a class settlement order per class and term (photographed
count × fee); their numbers, payment launch, crediting (from notifications and queries) exactly once, expiry,
and the refund of a second payment that slipped through."""
