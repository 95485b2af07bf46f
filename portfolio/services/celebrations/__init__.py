"""Celebrations: milestones students passed, signing-day commitments, certifications earned and partners by the
hours they hosted, for a school's awards night; and the consents that let a student's name leave the school."""
