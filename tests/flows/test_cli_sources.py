"""The CLI's configuration commands on a fresh project: `sources add` / `remove` / `list`, `watch`, and
the one-line refusals of a wrong source entry or params key."""

from __future__ import annotations

from schemas.config import load_sources
from tests.conftest import groundmill, refused_in_one_line


def test_sources_add_registers_and_watch_runs_only_new_or_changed_sources(project):
    done = groundmill(
        project,
        "sources",
        "add",
        "extra",
        "--kind",
        "html_dir",
        "--location",
        "data/sources/site",
        "--license",
        "CC0-1.0",
    )
    assert "added source extra" in done.stdout and "groundmill.source.added" in done.stdout
    refused = groundmill(
        project, "sources", "add", "extra", "--kind", "html_dir", "--location", "x", check=False
    )
    assert refused.returncode == 2 and "already in" in refused.stderr
    assert "ran the lifecycle for: extra, site" in groundmill(project, "watch").stdout
    assert "no source changed" in groundmill(project, "watch").stdout
    page = project / "data" / "sources" / "site" / "form.html"
    page.write_text(page.read_text().replace("Book a trip", "Book a journey"))
    assert (
        "ran the lifecycle for: extra, site" in groundmill(project, "watch").stdout
    )  # both read that folder
    published = {p.parent.name for p in (project / "data/processed/grounding").glob("*/*.parquet")}
    assert published == {"source=extra", "source=site"}


def test_an_unknown_params_key_stops_every_command_that_reads_it(project):
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("  page_timeout_s: 15", "  page_timout_s: 15"))
    for command in (["run"], ["capture"], ["curate"], ["watch"], ["export", "hf"]):
        line = refused_in_one_line(project, *command)
        assert f"{params}: capture.page_timout_s: unknown key; allowed: devices," in line, command
    params.write_text(
        params.read_text()
        .replace("page_timout_s", "page_timeout_s")
        .replace("  release: true", "  release: 'yes'")
    )
    assert "publish.release: expected true or false, got 'yes' (a string)" in refused_in_one_line(
        project, "run"
    )


def test_a_wrong_source_entry_stops_run_and_sources_list(project):
    sources = project / "sources.yaml"
    sources.write_text(
        "sources:\n  - {id: site, kind: html_dir, location: data/sources/site}\n"
        "  - {id: my-site, kind: url_list, location: data/sources/site, allow_domain: [example.org]}\n"
    )
    for command in (["run"], ["sources", "list"], ["annotate"]):
        line = refused_in_one_line(project, *command)
        assert f"{sources}: sources[1] (my-site).allow_domain: unknown key; allowed: id," in line, command
    sources.write_text(
        "sources:\n  - {id: site, kind: url_list, location: data/sources/site, local: 'false'}\n"
    )
    line = refused_in_one_line(project, "run")
    assert line.endswith("sources[0] (site).local: expected true or false, got 'false' (a string)")


def test_sources_add_keeps_the_files_comments_and_refuses_an_unknown_setting_or_no_licence(project):
    sources = project / "sources.yaml"
    original = "# what groundmill captures\nsources:\n  - id: site       # the fixture\n" + (
        "    kind: html_dir\n    location: data/sources/site\n    license: 'CC0-1.0'\n"
    )
    sources.write_text(original)
    add = ["sources", "add", "more", "--kind", "url_list", "--location", "data/sources/site/form.html"]
    line = refused_in_one_line(project, *add, "--set", "allow_domain=example.org")
    assert "sources[1] (more).allow_domain: unknown key; allowed:" in line and sources.read_text() == original
    settings = ["--set", "allow_domains=[example.org]", "--set", "politeness={delay_s: 2}"]
    line = refused_in_one_line(project, *add, *settings)
    assert line == (
        "groundmill: source 'more': no licence; name the licence of its pages or records with --license "
        "(an SPDX id such as CC-BY-4.0, or e.g. proprietary)"
    )
    assert sources.read_text() == original
    assert "no licence" in refused_in_one_line(project, *add, *settings, "--license", "unknown")
    groundmill(project, *add, *settings, "--license", "CC-BY-4.0")
    text = sources.read_text()
    assert text.startswith(original) and "  - id: more\n    kind: url_list\n" in text.removeprefix(original)
    assert "    license: CC-BY-4.0\n" in text.removeprefix(original)


def test_sources_remove_keeps_every_other_line_and_refuses_an_unknown_id(project):
    sources = project / "sources.yaml"
    head = "# what groundmill captures\nsources:\n  # the fixture\n"
    site = "  - id: site       # the fixture site\n    kind: html_dir\n    location: data/sources/site\n"
    rest = "  # the same pages again\n  - {id: more, kind: html_dir, location: data/sources/site}\n# end\n"
    sources.write_text(head + site + rest)
    line = refused_in_one_line(project, "sources", "remove", "nope")
    assert "no source named 'nope'; known: more, site" in line
    done = groundmill(project, "sources", "remove", "site")
    assert "removed source site" in done.stdout and sources.read_text() == head + rest


def test_sources_add_a_desktop_source_with_its_apps(project):
    add = ["sources", "add", "apps", "--kind", "desktop"]
    line = refused_in_one_line(project, *add, "--app", "mousepad")
    assert "--app 'mousepad': expected NAME=COMMAND" in line
    line = refused_in_one_line(project, "sources", "add", "x", "--kind", "html_dir", "--app", "a=b")
    assert "--app is for desktop sources, not html_dir" in line
    assert not (project / "data/sources/apps").exists()  # nothing made for a refused entry
    apps = ["--app", "mousepad=mousepad", "--app", "fp=featherpad --standalone"]
    assert "no licence" in refused_in_one_line(project, *add, *apps)
    assert not (project / "data/sources/apps").exists()
    groundmill(project, *add, *apps, "--license", "GPL-2.0-or-later")
    source = next(s for s in load_sources(project / "sources.yaml") if s.id == "apps")
    assert [(a.name, a.command) for a in source.apps] == [
        ("mousepad", ("mousepad",)),
        ("fp", ("featherpad", "--standalone")),
    ]
    assert source.path == project / "data/sources/apps" and source.path.is_dir()  # its files' folder
