"""`groundmill sources add`: validate a source, add it to sources.yaml, and announce it as a Prefect
event (`groundmill.source.added`) that the lifecycle deployment's trigger answers by running the
lifecycle for that source alone. `groundmill sources remove`: take a source out of sources.yaml (its
published partitions leave at the next publish). Both keep the file's comments and layout."""

from __future__ import annotations

import io
import json

from ruamel.yaml import YAML, CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from flows.locations import Locations
from flows.settings import select_sources
from schemas.config import SAFE_ID, UNKNOWN_LICENSE, is_url, load_sources, parse_source
from transforms.fingerprint import changed, fingerprint
from transforms.sources import SourceError
from transforms.storage import write_bytes_atomic

EVENT = "groundmill.source.added"


def add_source(where: Locations, entry: dict) -> tuple[str, str]:
    """(the new source's id, its fingerprint); sources.yaml is rewritten atomically, its comments, key
    order and layout kept. Refuses an entry the Source model refuses (unknown keys included), a known
    id, an entry without a licence (or with `unknown`) and a local location that does not exist."""
    file = where.sources_file
    known = {s.id for s in load_sources(file)} if file.exists() else set()
    # named as the entry it would be, sources[n] (id), like a problem in the file itself
    source = parse_source(entry, file.parent, str(file), f"sources[{len(known)}] ({entry.get('id')})")
    if source.id in known:
        raise SourceError(f"source {source.id!r} is already in {file}")
    if str(entry.get("license") or "").strip() in ("", UNKNOWN_LICENSE):
        raise SourceError(
            f"source {source.id!r}: no licence; name the licence of its pages or records with "
            "--license (an SPDX id such as CC-BY-4.0, or e.g. proprietary)"
        )
    if not is_url(str(source.location)) and not source.path.exists():
        raise SourceError(f"source {source.id!r}: {source.location} does not exist")
    write_bytes_atomic(_appended(file.read_text() if file.exists() else "", entry), file)
    return source.id, fingerprint(source, where.root)


def parse_apps(kind: str, apps: list[str]) -> list[dict]:
    """`--app NAME=COMMAND` options as a desktop entry's apps; refused for another kind, or without '='."""
    if apps and kind != "desktop":
        raise SourceError(f"--app is for desktop sources, not {kind}")
    parsed = []
    for item in apps:
        name, sep, command = item.partition("=")
        if not sep or not name.strip() or not command.strip():
            raise SourceError(f"--app {item!r}: expected NAME=COMMAND, e.g. --app mousepad=mousepad")
        parsed.append({"name": name.strip(), "command": command.strip()})
    return parsed


def add_desktop_source(where: Locations, entry: dict) -> tuple[str, str]:
    """add_source for a desktop entry without a location: it gets a folder of its own for its apps'
    files, data/sources/<id>, made empty (and removed again when the entry is refused)."""
    source_id = str(entry.get("id"))
    if not SAFE_ID.fullmatch(source_id):
        raise SourceError(f"source id {source_id!r} is not a safe name: lowercase letters, digits, - or _")
    folder = where.sources_file.parent / "data" / "sources" / source_id
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return add_source(where, {**entry, "location": f"data/sources/{source_id}"})
    except Exception:
        if made:
            folder.rmdir()
        raise


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


def remove_source(where: Locations, source_id: str) -> None:
    """sources.yaml without the entry of `source_id`, rewritten atomically; every other line as it was."""
    file = where.sources_file
    known = [s.id for s in load_sources(file)]
    if source_id not in known:
        raise SourceError(f"{file}: no source named {source_id!r}; known: {', '.join(sorted(known))}")
    write_bytes_atomic(_removed(file.read_text(), source_id).encode(), file)


def _removed(text: str, source_id: str) -> str:
    """`text` (a sources.yaml) without the list item whose id is `source_id`: its lines are cut out, so
    not one other byte changes; a one-line (flow style) or one-item list is written again instead."""
    yaml = YAML()
    yaml.preserve_quotes = True
    doc = yaml.load(text)
    listed = doc["sources"]
    index = next(i for i, item in enumerate(listed) if item.get("id") == source_id)
    if listed.fa.flow_style() or len(listed) == 1:
        del listed[index]
        if not listed:
            listed.fa.set_flow_style()
        return _dumped(yaml, doc)
    lines = text.splitlines(keepends=True)
    start = _dash_line(lines, listed.lc.item(index)[0])
    dash = len(lines[start]) - len(lines[start].lstrip())
    if index + 1 < len(listed):
        end = _dash_line(lines, listed.lc.item(index + 1)[0])
    else:  # the last item runs to the next line indented no deeper than its dash
        end = next(
            (i for i in range(start + 1, len(lines)) if _code(lines[i]) and _indent(lines[i]) <= dash),
            len(lines),
        )
    while end > start + 1 and not _code(lines[end - 1]):  # comments after it belong to what follows
        end -= 1
    return "".join(lines[:start] + lines[end:])


def _code(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _dash_line(lines: list[str], line: int) -> int:
    """The line of the dash that opens the item whose content starts on `line`."""
    while not lines[line].lstrip().startswith("-") and line > 0:
        line -= 1
    return line


def changed_sources(where: Locations) -> dict[str, str]:
    """source id -> fingerprint, for the sources in sources.yaml whose inputs differ from those they
    were last published from (their fingerprints in data/inputs.json), new sources included."""
    manifest = json.loads(where.inputs_manifest.read_text()) if where.inputs_manifest.exists() else {}
    known = {source: record.get("fingerprint") for source, record in manifest.items()}
    return changed(select_sources(where, None), known, where.root)


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
