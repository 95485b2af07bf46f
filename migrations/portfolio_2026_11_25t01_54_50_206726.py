"""Career clusters as data, and one client UUID per student."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T01:54:50:206726"
VERSION = "1.38.0"
DESCRIPTION = "Seed Advance CTE career clusters; unique (student, client_uuid)"

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


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)

    async def run():
        from piccolo.table import Table
        from piccolo.columns import Boolean, SmallInt, Varchar

        class CareerCluster(Table, tablename="career_cluster"):
            code = Varchar(length=60, unique=True)
            name = Varchar(length=120, unique=True)
            position = SmallInt(default=0)
            active = Boolean(default=True)

        await CareerCluster.insert(
            *[CareerCluster(code=code, name=name, position=i) for i, (code, name) in enumerate(CLUSTERS, 1)]
        )
        await CareerCluster.raw(
            "CREATE UNIQUE INDEX experience_student_client_uuid ON experience (student, client_uuid)"
        )

    manager.add_raw(run)
    return manager
