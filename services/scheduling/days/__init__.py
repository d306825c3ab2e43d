"""Capture days: a school's campaign dates, daily windows, rooms with stations, rates and blackouts (agency),
and the school's preferences. Local dates and times, Asia/Shanghai (models.LOCAL_TZ)."""
