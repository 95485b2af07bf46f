"""Counseling: a counselor's caseload and its flags, check-ins with their next steps, and the student's plan."""
