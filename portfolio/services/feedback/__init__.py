"""Students' feedback after an opportunity or a placement, staff's review of it, and the partner's anonymous
summary. Plain async Python: the routes parse and render, these decide."""
