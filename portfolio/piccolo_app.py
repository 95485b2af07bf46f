from piccolo.conf.apps import AppConfig, table_finder

from portfolio.settings import ROOT

APP_CONFIG = AppConfig(
    app_name="portfolio",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=table_finder(
        modules=["portfolio.tables", "portfolio.partner_tables", "portfolio.program_tables",
                 "portfolio.opportunity_tables", "portfolio.placement_tables",
                 "portfolio.record_tables", "portfolio.feedback_tables", "portfolio.roster_tables",
                 "portfolio.counseling_tables", "portfolio.celebration_tables",
                 "portfolio.report_tables"], exclude_imported=True
    ),
    migration_dependencies=[],
    commands=[],
)
