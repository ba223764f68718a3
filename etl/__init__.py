"""ogi-warehouse: ETL, validation and reports for 政府信息公开工作年度报告 statistics."""

__version__ = "0.1.0"
