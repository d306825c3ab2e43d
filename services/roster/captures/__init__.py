"""Captures: roster records that a student was photographed (from capture's PhotoAccepted events, by pseudonym),
so "already captured in an earlier term" is a recorded fact, not an inference from an earlier approval."""
