"""Capture days and stations: a camera in a room on a day, run by one photographer. Until scheduling publishes
capture days, the agency creates them here."""
