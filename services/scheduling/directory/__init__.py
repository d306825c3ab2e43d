"""Scheduling's copy of roster's directory (schools, colleges, classes) and of its approved students: what
allocation will plan from. Read models only, kept from roster's events; roster stays the owner."""
