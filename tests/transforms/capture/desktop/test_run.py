"""The fixed folder of a source's desktop sessions: the same on every run of one project's source,
another for another project or source (two projects capturing one application at once)."""

from __future__ import annotations

from pathlib import Path

from schemas.config import parse_source
from transforms.capture.desktop.run import session_scope


def source(project: Path, sid: str = "desktop"):
    entry = {
        "id": sid,
        "kind": "desktop",
        "location": "data/sources/desktop",
        "apps": [{"name": "mousepad", "command": "mousepad"}],
    }
    return parse_source(entry, project)


def test_a_source_s_sessions_have_one_fixed_folder_per_project_and_source(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for project in (one, two):
        (project / "data" / "sources" / "desktop").mkdir(parents=True)
    scope = session_scope(source(one))
    assert scope == session_scope(source(one)) and scope.startswith("desktop-")
    assert scope != session_scope(source(two))
    assert scope != session_scope(source(one, "desktop-b"))
