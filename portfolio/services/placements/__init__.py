"""Placements (job shadows, internships, apprenticeships): scope (who may open one), records (staff make and
list them), agreement (its text, hash and signatures), links (the e-mailed links of guardians and supervisors),
hours (entries logged against one), timesheets (the supervisor's week) and evaluations (the rubric and the
supervisor's evaluation at the end)."""
