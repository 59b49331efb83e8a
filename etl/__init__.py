"""ETL of the reporting template: read → validate → load into a new DuckDB snapshot."""
