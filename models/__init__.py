"""The warehouse schema: SQLAlchemy 2 typed models, one module per subject.

Only Alembic migrations create these tables; `Base.metadata` is their target.
"""

from models.agencies import Agency, Report
from models.base import Base
from models.consistency import ConsistencyRule, ConsistencyRuleTerm
from models.facts import (
    FACT_TABLES,
    Figure,
    ProactiveCategoryCount,
    ProactiveChannelFigure,
    ProactivePublisherCount,
    ProactiveTableFigure,
    ReliefPolicyCount,
    ReliefRecipientCount,
    RequestCount,
    ResponsibilityListItem,
    ReviewLitigationCount,
)
from models.lineage import EtlRun, RunFile, SourceFile, ValidationFinding
from models.reference import (
    AgencyLevel,
    ApplicantType,
    Channel,
    DisclosureCategory,
    Measure,
    ProactiveTableColumn,
    ProactiveTableRow,
    PublisherGroup,
    Regime,
    ReliefCategory,
    ReliefProgramme,
    RequestComparable,
    RequestRow,
    ReviewBlock,
    ReviewResult,
    Unit,
)

metadata = Base.metadata

__all__ = [
    "FACT_TABLES",
    "Agency",
    "AgencyLevel",
    "ApplicantType",
    "Base",
    "Channel",
    "ConsistencyRule",
    "ConsistencyRuleTerm",
    "DisclosureCategory",
    "EtlRun",
    "Figure",
    "Measure",
    "ProactiveCategoryCount",
    "ProactiveChannelFigure",
    "ProactivePublisherCount",
    "ProactiveTableColumn",
    "ProactiveTableFigure",
    "ProactiveTableRow",
    "PublisherGroup",
    "Regime",
    "ReliefCategory",
    "ReliefPolicyCount",
    "ReliefProgramme",
    "ReliefRecipientCount",
    "Report",
    "RequestComparable",
    "RequestCount",
    "RequestRow",
    "ResponsibilityListItem",
    "ReviewBlock",
    "ReviewLitigationCount",
    "ReviewResult",
    "RunFile",
    "SourceFile",
    "Unit",
    "ValidationFinding",
    "metadata",
]
