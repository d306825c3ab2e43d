"""Request and response bodies of payments's API."""
