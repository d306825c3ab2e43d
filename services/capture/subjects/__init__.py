"""Who may be photographed: roster's approved students (masked, by pseudonym) with their CHSI capture codes,
in queue order. A read model kept from roster's events."""
