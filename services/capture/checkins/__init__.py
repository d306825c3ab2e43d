"""Check-in binds before the shot: a scanned capture pass (or the CHSI capture code) binds exactly one approved
student of the station's school to the station's next sequence number (拍摄序号)."""
