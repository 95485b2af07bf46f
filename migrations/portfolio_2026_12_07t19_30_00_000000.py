"""Report profiles: the definitions of work-based-learning participation a report counts by, as data a district
edits, seeded with a generic Perkins V 5S3 definition and four states' (Wisconsin, Ohio, Virginia, Illinois).
The seed rows are written after the table exists (piccolo runs raw steps first), and go with it backwards."""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Array, Boolean, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-07T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Report profiles: definitions of work-based-learning participation, seeded with five"

CHECK = "as described by the district's issue; check the state's current guidance"
# State definitions count sustained experiences with an employer: internships, apprenticeships, job shadows and
# industry projects. Site visits, career fairs, guest lectures and mock interviews are career awareness and
# exploration, not the "sustained interactions" of Perkins V's definition, so no profile counts them.
SUSTAINED = ["internship", "apprenticeship", "job_shadow", "industry_project"]
HIGH_SCHOOL = [9, 10, 11, 12]
PROFILES = [
    dict(name="Perkins V 5S3: participated in work-based learning", state="", school_year="2025-26",
         source="Strengthening Career and Technical Education for the 21st Century Act (Perkins V), Sec. 3(55), "
                "20 U.S.C. 2302(55): \"sustained interactions with industry or community professionals in real "
                "workplace settings\"; indicator 5S3, whose numerator each state defines. Any verified hours of a "
                "sustained kind count here.",
         kinds=SUSTAINED, min_hours=0, grades=[]),
    dict(name="Wisconsin: sustained work-based learning (90 hours)", state="WI", school_year="2025-26",
         source="Wisconsin DPI, Work-Based Learning, six criteria for Perkins V work-based learning: sustained "
                "means a minimum of 90 hours, more than observing (https://dpi.wi.gov/cte/work-based-learning).",
         kinds=["internship", "apprenticeship", "industry_project"], min_hours=90, grades=HIGH_SCHOOL),
    dict(name="Ohio: 250 hours of work-based learning from grade 9", state="OH", school_year="2025-26",
         source=f"Ohio: 250 hours of work-based learning counted from grade 9 ({CHECK}).",
         kinds=SUSTAINED, min_hours=250, grades=HIGH_SCHOOL, accumulation="since_grade_9"),
    dict(name="Virginia: work-based learning for credit (140 hours, half a credit)", state="VA", school_year="2025-26",
         source=f"Virginia: 280 hours of work-based learning earn a credit; a 140-hour mentorship half a credit ({CHECK}).",
         kinds=["internship", "apprenticeship"], min_hours=140, grades=HIGH_SCHOOL, credit_hours=280),
    dict(name="Illinois: 60 hours, at least 20 in one experience", state="IL", school_year="2025-26",
         source="Illinois: 23 Ill. Adm. Code 256.165 asks a practicum of at least 60 hours a semester; the "
                f"20 hours in one experience are {CHECK}.",
         kinds=SUSTAINED, min_hours=60, grades=HIGH_SCHOOL, one_experience_min_hours=20),
]


def _params(**given) -> dict:
    return {"default": None, "null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False} | given


# The table as this migration makes it, for writing the seed rows.
class ReportProfile(Table, tablename="report_profile"):
    name = Varchar(length=200)
    state = Varchar(length=2, default="")
    source = Text(default="")
    school_year = Varchar(length=7, default="")
    kinds = Array(base_column=Varchar(length=30))
    min_hours = Integer(default=0)
    verified_only = Boolean(default=True)
    grades = Array(base_column=Integer())
    accumulation = Varchar(length=20, default="school_year")
    one_experience_min_hours = Integer(null=True, default=None)
    credit_hours = Integer(null=True, default=None)
    denominator = Varchar(length=20, default="program_students")
    active = Boolean(default=True)
    position = SmallInt(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()


COLUMNS = [
    ("name", Varchar, _params(length=200, default="")),
    ("state", Varchar, _params(length=2, default="")),
    ("source", Text, _params(default="")),
    ("school_year", Varchar, _params(length=7, default="")),
    ("kinds", Array, _params(default=list, base_column=Varchar(length=30))),
    ("min_hours", Integer, _params(default=0)),
    ("verified_only", Boolean, _params(default=True)),
    ("grades", Array, _params(default=list, base_column=Integer())),
    ("accumulation", Varchar, _params(length=20, default="school_year", choices=Enum(
        "Accumulation", {"SCHOOL_YEAR": "school_year", "SINCE_GRADE_9": "since_grade_9"}))),
    ("one_experience_min_hours", Integer, _params(null=True)),
    ("credit_hours", Integer, _params(null=True)),
    ("denominator", Varchar, _params(length=20, default="program_students", choices=Enum(
        "Denominator", {"PROGRAM_STUDENTS": "program_students", "ALL_STUDENTS": "all_students"}))),
    ("active", Boolean, _params(default=True)),
    ("position", SmallInt, _params(default=0)),
    ("created_at", Timestamptz, _params(default=TimestamptzNow())),
    ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
]


class SeedAfterTable(MigrationManager):
    """piccolo runs raw steps before it creates tables: the seed rows come after."""

    async def run(self, backwards: bool = False):
        await super().run(backwards=backwards)
        if not backwards and not self.preview:
            await ReportProfile.insert(*[ReportProfile(position=i, **p) for i, p in enumerate(PROFILES, 1)])


async def forwards():
    manager = SeedAfterTable(migration_id=ID, app_name="portfolio", description=DESCRIPTION)
    manager.add_table(class_name="ReportProfile", tablename="report_profile", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="ReportProfile", tablename="report_profile", column_name=name, db_column_name=name,
            column_class_name=column_class.__name__, column_class=column_class, params=params, schema=None,
        )
    return manager
