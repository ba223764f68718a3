"""regime comparability: which standard tables compare across the 2021 change of format

`rpt_regime_comparability` states, table by table, whether std2019 (2019–2020) figures compare
with std2021 (2021 on) figures, and how: table 三 through the crosswalk of
`rpt_request_outcomes_compared` (（六）其他处理 = the sum of std2021's three rows), table 四 as it
is, table 二 not at all (its columns changed in 2021). Reports print these notes beside
year-over-year figures that cross the change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RPT_REGIME_COMPARABILITY = """
CREATE VIEW rpt_regime_comparability AS
SELECT 'table2' AS table_code, '二、主动公开政府信息情况' AS table_label,
       'std2019' AS from_regime, 'std2021' AS to_regime, 0 AS is_comparable,
       '不可比：2021年起表二的栏目改变。第（一）项由“本年新制作数量、本年新公开数量、对外公开总数量”'
       || '改为“本年制发件数、本年废止件数、现行有效件数”；第（五）（六）项不再填“上一年项目数量、'
       || '本年增/减”，只填“本年处理决定数量”；第（八）项由项目数量改为“本年收费金额（单位：万元）”；'
       || '第（九）项政府集中采购不再列出。' AS note,
       1 AS sort_order
UNION ALL
SELECT 'table3', '三、收到和处理政府信息公开申请情况', 'std2019', 'std2021', 1,
       '可比：行与栏相同，只有（六）其他处理在2021年起分为三项；按可比口径比较时，'
       || '2019–2020年的（六）= 2021年起三项之和（rpt_request_outcomes_compared）。',
       2
UNION ALL
SELECT 'table4', '四、政府信息公开行政复议、行政诉讼情况', 'std2019', 'std2021', 1,
       '可比：两版表四相同（行政复议，行政诉讼未经复议直接起诉、复议后起诉，各五项）。',
       3
"""


def upgrade() -> None:
    op.execute(RPT_REGIME_COMPARABILITY)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS rpt_regime_comparability")
