"""Published slots: a student's own slot ("my slot") and the timetables per room, college and school (xlsx)."""
