"""Opportunities: what staff post (posting), who may sign up (eligibility), seats and the waitlist (seats),
required forms (required_forms), calendar files (calendar), what students browse (browse), the staff's pages
(pages) and the day-before reminders (reminders)."""
