"""Who was photographed, per class: the count a class settlement order charges for. Kept from capture's events.

STAND-IN: capture does not publish a photo-accepted event yet (services/capture/events.py is empty on main), so
`capture_standin.PhotoAccepted` defines the minimal one payments needs. When capture ships its own class, import
that instead (the registry refuses two classes for one event type, so the clash is loud, not silent)."""
