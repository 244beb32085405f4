"""Pure steps of the groundmill lifecycle: pages and frames in, frames out. No Prefect here."""
