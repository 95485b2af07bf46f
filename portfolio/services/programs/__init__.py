"""Programs of study and their advisory boards: a school's programs and the students in them (records), each
program's board with its members, meetings and action items (board), how often boards meet (cadence) and a
meeting's minutes as a PDF (minutes). Everything belongs to one school: another school's staff find nothing."""
