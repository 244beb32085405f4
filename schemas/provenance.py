"""Contracts for the published forms of the data tables: every published row of captures, screenshots,
grounding, instructions and howto carries where it came from, under which licence, when its page was
first captured and which release of groundmill made it; rows with words carry their language.

Publish adds these columns (transforms/publish/provenance.py); the stages before it never see them, so
content ids (hashes of each table's `id_from` columns) do not depend on them."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.capture import Captures, ClusteredScreenshots
from schemas.datasets import GradedGrounding, Howto, Instructions


class Provenance(pa.DataFrameModel):
    """`license`: the source's licence as sources.yaml declares it (an SPDX id, or `unknown`);
    `source_id`: the source; `page_path`: the page (file, URL or WARC record) or, for an imported
    record, its image file (the record itself is in `origin`); `captured_at`: when a capture of this
    content (its capture_id, a hash of page bytes and device) was first made, kept from version to
    version; `pipeline_version`: the groundmill package version that published the row."""

    license: str = pa.Field(str_length={"min_value": 1})
    source_id: str
    page_path: str
    captured_at: pl.Datetime("us", "UTC") = pa.Field(nullable=True)
    pipeline_version: str = pa.Field(str_length={"min_value": 1})


class Languaged(pa.DataFrameModel):
    """`language`: the ISO 639-1 code of the row's text, null where the detector is not sure enough."""

    language: str = pa.Field(str_matches=r"^[a-z]{2}$", nullable=True)


# The mixins come first among the bases, so their columns follow the table's own (pandera lists a model's
# columns from its most basic class up).
class PublishedCaptures(Provenance, Captures):
    pass


class PublishedScreenshots(Provenance, ClusteredScreenshots):
    pass


class PublishedGrounding(Languaged, Provenance, GradedGrounding):
    pass


class PublishedInstructions(Languaged, Provenance, Instructions):
    pass


class PublishedHowto(Languaged, Provenance, Howto):
    pass
