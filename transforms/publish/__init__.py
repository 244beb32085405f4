"""Publish: curated tables to partitioned Parquet, the DuckDB catalog, versions, data cards, exports."""
