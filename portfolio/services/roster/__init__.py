"""Rosters in from the district's SIS: OneRoster 1.1 CSV files (or the simple template), a dry run row by row,
and its confirmation written in batches; where each student was enrolled when; the nightly command's run."""
