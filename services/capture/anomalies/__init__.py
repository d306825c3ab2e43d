"""Anomalies: refusals that hint at a photo bound to the wrong student (a student open at two stations, a photo
for a closed or mismatched number, a photo older than its check-in), queued for the agency to resolve."""
