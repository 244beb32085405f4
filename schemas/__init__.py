"""The contracts: one pandera (Polars) model per table, named like the table, and the registry that
derives each table's Polars schema, ids and enumerations from them (`schemas.registry`); the typed
configuration of params.yaml and sources.yaml (`schemas.config`).

Nothing is imported here, so reading the configuration does not load pandera."""
