"""The career center's partner directory: organizations as partners (records), one school's list of them
(directory), its contacts there (contacts) and its agreements and documents (documents). Every function takes
the acting person and sees only their school's relationships (an admin: every school's); another school's come
back as NotFound."""
