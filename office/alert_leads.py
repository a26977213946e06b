"""The reminder lead times the office uses unless ALERT_LEAD_TIMES / ALERT_LEAD_TIMES_BY_KIND say
otherwise (grammar: office/reminders.py). Kept apart, without imports, so reading the settings does
not load the domain and its database layer."""

DEFAULT_LEAD_TIMES = "3d,1d,09:00,overdue"
DEFAULT_LEAD_TIMES_BY_KIND = "leave_return=09:00,overdue"  # 销假 is due on the end date itself
