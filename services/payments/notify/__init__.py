"""Provider notifications: verified over the raw body, checked against our order, applied once (by notification
id and by the order's state), acknowledged exactly as each provider requires."""
