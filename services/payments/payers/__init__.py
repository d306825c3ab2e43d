"""Who may owe the capture fee: roster's approved students (masked, by pseudonym). A read model kept from
roster's events; orders and payments will hang off it."""
