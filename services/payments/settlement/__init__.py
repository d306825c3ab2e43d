"""Who was photographed, per class: the count a class settlement order charges for. Kept from capture's
`capture.photo.accepted` events (services/capture/events.py)."""
