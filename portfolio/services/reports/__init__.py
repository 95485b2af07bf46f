"""Reports for staff (their school) and admins (the district): who took part in work-based learning under a
state's definition, hours by cluster, school, grade, kind and partner, certifications earned, partners' engagement,
and the celebrations built on them. Every figure counts an entry for the school its student was enrolled in on
the entry's date (scope.py), so a student who moved mid-year is counted once, in the right place."""
