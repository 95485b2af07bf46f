"""Attendance: a session's roster, marks that make verified entries, and the students' rotating check-in codes."""
