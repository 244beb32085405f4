"""`groundmill sources add`: validate a source, add it to sources.yaml, and announce it as a Prefect
event (`groundmill.source.added`) that the lifecycle deployment's trigger answers by running the
lifecycle for that source alone."""

from __future__ import annotations

import io

from ruamel.yaml import YAML, CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from flows.locations import Locations
from schemas.config import is_url, load_sources, parse_source
from transforms.fingerprint import fingerprint
from transforms.sources import SourceError
from transforms.storage import write_bytes_atomic

EVENT = "groundmill.source.added"


def add_source(where: Locations, entry: dict) -> tuple[str, str]:
    """(the new source's id, its fingerprint); sources.yaml is rewritten atomically, its comments, key
    order and layout kept. Refuses an entry the Source model refuses (unknown keys included), a known id
    and a local location that does not exist."""
    file = where.sources_file
    known = {s.id for s in load_sources(file)} if file.exists() else set()
    # named as the entry it would be, sources[n] (id), like a problem in the file itself
    source = parse_source(entry, file.parent, str(file), f"sources[{len(known)}] ({entry.get('id')})")
    if source.id in known:
        raise SourceError(f"source {source.id!r} is already in {file}")
    if not is_url(str(source.location)) and not source.path.exists():
        raise SourceError(f"source {source.id!r}: {source.location} does not exist")
    write_bytes_atomic(_appended(file.read_text() if file.exists() else "", entry), file)
    return source.id, fingerprint(source)


def _appended(text: str, entry: dict) -> bytes:
    """`text` (a sources.yaml) with `entry` appended to its list; comments, key order and layout kept."""
    yaml = YAML()  # round-trip: comments, key order and quotes survive a dump
    yaml.preserve_quotes = True
    doc = yaml.load(text) if text.strip() else None
    listed = doc.get("sources") if doc is not None else None  # load_sources refused any other shape
    if (
        isinstance(listed, CommentedSeq)
        and listed
        and not listed.fa.flow_style()
        and list(doc)[-1] == "sources"
    ):
        # The list ends the file: the entry goes after it as text, so not one byte before it changes
        # (a dump re-indents nested block mappings by one width for the whole file).
        return (_ending(text) + _item(entry, listed)).encode()
    if doc is None:  # no file, or only comments: they stay, the list follows them
        return (_ending(text) + _dumped(YAML(), {"sources": [entry]})).encode()
    if not isinstance(listed, list):
        doc["sources"] = listed = CommentedSeq()
    listed.append(entry)
    _, indent, dash_offset = load_yaml_guess_indent(text)
    yaml.indent(mapping=indent or 2, sequence=indent or 2, offset=dash_offset or 0)
    return _dumped(yaml, doc).encode()


def _ending(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _dumped(yaml: YAML, doc: object) -> str:
    yaml.width = 4096  # never re-wrap a long line
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _item(entry: dict, listed: CommentedSeq) -> str:
    """`entry` as one more item of `listed`: its dash and keys in the columns of the first item."""
    dash, key = listed.lc.col, listed.lc.data[0][1]
    block = CommentedMap((k, _inline(v)) for k, v in entry.items())
    first, *rest = _dumped(YAML(), block).splitlines()
    lines = [" " * dash + "-" + " " * (key - dash - 1) + first, *(" " * key + line for line in rest)]
    return "\n".join(lines) + "\n"


def _inline(value: object) -> object:
    """A nested list or mapping written on one line, as the README writes `politeness: {...}`."""
    if not isinstance(value, dict | list):
        return value
    nested = CommentedMap(value) if isinstance(value, dict) else CommentedSeq(value)
    nested.fa.set_flow_style()
    return nested


def announce(source_id: str, kind: str) -> str:
    """Emit the event to the Prefect server that PREFECT_API_URL names; says how it went. Without one
    nothing is emitted: a temporary server would start (about 20 s) for an event nobody can answer."""
    from prefect.events import emit_event
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        return f"event {EVENT} for {source_id}: not emitted (no Prefect server: PREFECT_API_URL is unset)"
    event = emit_event(
        event=EVENT,
        resource={"prefect.resource.id": f"groundmill.source.{source_id}"},
        payload={"source_id": source_id, "kind": kind, "sources": [source_id]},
    )
    return f"event {EVENT} for {source_id}: " + ("emitted" if event is not None else "not emitted")
