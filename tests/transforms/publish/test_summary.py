"""The run summary's desktop lines, read from a catalog's captures and its run log."""

from __future__ import annotations

import duckdb

from transforms.publish.summary import memory_lines


def test_each_desktop_application_gets_its_peak_memory():
    con = duckdb.connect()
    con.execute("create table captures (capture_id text, source_id text, app text, status text)")
    con.execute(
        "insert into captures values ('a', 'desk', 'mousepad', 'ok'), ('b', 'desk', 'mousepad', 'ok'), "
        "('c', 'desk', 'mousepad', 'left_open'), ('d', 'site', null, 'ok')"
    )
    assert memory_lines(con) == []  # no run log (capture_timings) yet
    con.execute("create table capture_timings (capture_id text, peak_rss_mb double)")
    con.execute("insert into capture_timings values ('a', 230.4), ('b', 241.6), ('c', null), ('d', null)")
    assert memory_lines(con)[1:] == ["    desk/mousepad: 242 MiB over 2 states"]
