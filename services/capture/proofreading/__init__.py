"""Proofreading (照片校对): seconds after a photo is accepted the student sees it on their phone and confirms it or
reports it (not me: an anomaly that holds it back from delivery; retake: a request the station and the agency
see). A retake (a newer accepted version) puts it back to be proofread. The school follows progress per class; the
agency sets the deadline per school and term. Field corrections are roster errata, filed by the phone directly."""
