"""Request and response bodies of capture's API."""
