"""Photo ingest: an upload belongs to an open check-in (a student and a sequence number), runs the photo checks,
and stores the original and the standard output in the object store; retakes are new versions."""
