"""Anomalies: refusals that hint at a photo bound to the wrong student (a student open at two stations, a photo
for a closed or mismatched number, a photo older than its check-in) and the identity guard's face mix-ups (one face
under two students, a retake of someone else), queued for the agency to resolve. An open anomaly holds its
students back from delivery: `subject_key`, and for a face mix-up also `other_subject_key` (which of the two photos
is wrong is for a person to decide)."""
