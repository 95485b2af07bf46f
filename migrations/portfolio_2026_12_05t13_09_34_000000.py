"""What piccolo cannot generate: the career clusters as seed data, and the composite unique indexes (piccolo has
no composite unique constraint, its issue 172; a raw unique index is the maintainers' own workaround)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:09:34:000000"
VERSION = "1.38.0"
DESCRIPTION = "Seed the career clusters; unique indexes over pairs of columns"

# Advance CTE, Modernized National Career Clusters Framework (2024): the 14 clusters.
CLUSTERS = [
    ("advanced-manufacturing", "Advanced Manufacturing"),
    ("agriculture", "Agriculture"),
    ("arts-entertainment-design", "Arts, Entertainment & Design"),
    ("construction", "Construction"),
    ("digital-technology", "Digital Technology"),
    ("education", "Education"),
    ("energy-natural-resources", "Energy & Natural Resources"),
    ("financial-services", "Financial Services"),
    ("healthcare-human-services", "Healthcare & Human Services"),
    ("hospitality-events-tourism", "Hospitality, Events & Tourism"),
    ("management-entrepreneurship", "Management & Entrepreneurship"),
    ("marketing-sales", "Marketing & Sales"),
    ("public-service-safety", "Public Service & Safety"),
    ("supply-chain-transportation", "Supply Chain & Transportation"),
]

UNIQUE_PAIRS = [
    # A retried offline send returns the first entry, and stores a file once (NULLs, files added on an entry's
    # page, never collide).
    "CREATE UNIQUE INDEX experience_student_client_uuid ON experience (student, client_uuid)",
    "CREATE UNIQUE INDEX evidence_student_client_uuid ON evidence (student, client_uuid)",
    # One assignment per mentor and student; one shortlist mark per organization and student.
    "CREATE UNIQUE INDEX mentor_assignment_pair ON mentor_assignment (mentor, student)",
    "CREATE UNIQUE INDEX shortlist_pair ON shortlist (organization, student)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)

    async def run():
        from piccolo.columns import Boolean, SmallInt, Varchar
        from piccolo.table import Table

        class CareerCluster(Table, tablename="career_cluster"):
            code = Varchar(length=60, unique=True)
            name = Varchar(length=120, unique=True)
            position = SmallInt(default=0)
            active = Boolean(default=True)

        await CareerCluster.insert(
            *[CareerCluster(code=code, name=name, position=i) for i, (code, name) in enumerate(CLUSTERS, 1)]
        )
        for statement in UNIQUE_PAIRS:
            await CareerCluster.raw(statement)

    manager.add_raw(run)
    return manager
