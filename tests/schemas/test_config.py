"""params.yaml and sources.yaml through their models: unknown keys, quoted booleans and bad values are
one-line errors naming the file and the key; `sources add` keeps the file as it was and appends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from flows.locations import Locations
from flows.register import add_source
from schemas.config import (
    BUILT_IN,
    ConfigError,
    Device,
    DeviceProfile,
    Params,
    Source,
    SourceError,
    load_params,
    load_sources,
    parse_source,
)
from tests.conftest import REPO, SITE
from transforms.fingerprint import fingerprint


def write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text)
    return folder / name


def refusal(load, path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


def test_the_shipped_files_load():
    params = load_params(REPO / "params.yaml")
    assert params.capture.devices == (BUILT_IN["standard"],) and params.capture.shard_pages == 50
    assert params.annotate.model.max_in_flight == 4 and params.near_dup.text.bands == 16
    assert params.curate.difficulty is params.difficulty and params.publish.release is True
    assert [s.id for s in load_sources(REPO / "sources.yaml")] == ["sample"]


def test_a_missing_params_file_or_section_means_the_defaults(tmp_path):
    assert load_params(tmp_path / "params.yaml") == Params()
    assert load_params(write(tmp_path, "params.yaml", "capture:\n  retries: 5\n")).run == Params().run


def test_an_unknown_params_key_names_the_file_the_key_and_what_is_allowed(tmp_path):
    path = write(tmp_path, "params.yaml", "capture:\n  page_timout_s: 3\n")
    assert refusal(load_params, path) == (
        "capture.page_timout_s: unknown key; allowed: devices, pages_in_flight, page_timeout_s, "
        "page_budget_s, max_elements, max_slices, max_page_mb, overlay_cover, max_js_heap_mb, clock, "
        "settle_ms, scroll_settle_ms, shard_pages, browsers, recycle_pages, retries, desktop, ocr"
    )
    write(tmp_path, "params.yaml", "annotate:\n  model: {temprature: 0}\n")
    assert refusal(load_params, path).startswith("annotate.model.temprature: unknown key; allowed: base_url,")
    write(tmp_path, "params.yaml", "near_dup:\n  text: {bands: 8, rows: 8}\n")
    assert refusal(load_params, path).startswith("near_dup.text.rows: unknown key; allowed: ngram,")
    write(tmp_path, "params.yaml", "curate: {}\n")
    assert refusal(load_params, path).startswith("curate: unknown key; allowed: run, devices, capture,")


def test_booleans_are_strict_and_numbers_widen(tmp_path):
    path = write(tmp_path, "params.yaml", "publish:\n  release: 'yes'\n")
    assert refusal(load_params, path) == "publish.release: expected true or false, got 'yes' (a string)"
    write(tmp_path, "params.yaml", "capture: {page_timeout_s: 3, max_elements: lots}\n")
    assert refusal(load_params, path).startswith("capture.max_elements: expected a whole number, got 'lots'")
    write(tmp_path, "params.yaml", "capture: {page_timeout_s: 3}\nexport: {test: 0}\n")
    params = load_params(path)
    assert params.capture.page_timeout_s == 3.0 and isinstance(params.export.test, float)


def test_device_profiles_are_validated_and_named_by_capture(tmp_path):
    path = write(
        tmp_path,
        "params.yaml",
        "capture: {devices: [tablet, mobile]}\ndevices:\n  tablet: {width: 800, height: 1280, touch: true}\n",
    )
    tablet, mobile = load_params(path).capture.devices
    assert (
        tablet == Device(name="tablet", width=800, height=1280, touch=True) and mobile == BUILT_IN["mobile"]
    )
    write(tmp_path, "params.yaml", "devices:\n  tablet: {width: 800, height: 1280, dpr: 2}\n")
    assert refusal(load_params, path).startswith("devices.tablet.dpr: unknown key; allowed: width, height,")
    write(tmp_path, "params.yaml", "capture: {devices: [watch]}\n")
    assert refusal(load_params, path) == (
        "capture: devices: unknown profile 'watch'; known: desktop, laptop, mobile, standard"
    )


def test_broken_yaml_is_one_line(tmp_path):
    path = write(tmp_path, "params.yaml", "capture: [\n")
    assert refusal(load_params, path).startswith("not valid YAML at line 2")


def test_models_are_frozen():
    with pytest.raises(ValidationError):
        Params().capture.retries = 3  # type: ignore[misc]


SOURCES = "sources:\n  - {id: site, kind: html_dir, location: site, license: CC0-1.0}\n"


def test_a_misspelt_source_key_is_refused_not_dropped(tmp_path):
    path = write(
        tmp_path,
        "sources.yaml",
        SOURCES + "  - {id: my-site, kind: url_list, location: u.txt, allow_domain: [example.org]}\n",
    )
    message = refusal(load_sources, path)
    assert message.startswith("sources[1] (my-site).allow_domain: unknown key; allowed: id, kind, location,")
    with pytest.raises(SourceError):  # what the capture code catches
        load_sources(path)


def test_a_quoted_false_is_refused_and_an_integer_delay_is_a_float(tmp_path):
    path = write(
        tmp_path, "sources.yaml", "sources:\n  - {id: site, kind: url_list, location: u, local: 'false'}\n"
    )
    assert (
        refusal(load_sources, path)
        == "sources[0] (site).local: expected true or false, got 'false' (a string)"
    )
    write(
        tmp_path,
        "sources.yaml",
        "sources:\n  - id: live\n    kind: url_list\n    location: u.txt\n    local: false\n"
        "    allow_domains: [docs.example.org]\n    politeness: {per_domain: 2, delay_s: 2}\n",
    )
    (source,) = load_sources(path)
    assert source.politeness.delay_s == 2.0 and isinstance(source.politeness.delay_s, float)
    assert source.allow_domains == ("docs.example.org",) and source.location == tmp_path / "u.txt"


def test_ids_kinds_locations_and_boxes_are_checked(tmp_path):
    path = tmp_path / "sources.yaml"
    for entry, problem in [
        (
            "{id: Site, kind: html_dir, location: x}",
            "sources[0] (Site).id: source id 'Site' is not a safe name",
        ),
        ("{id: s, kind: ftp, location: x}", "sources[0] (s).kind: kind 'ftp' is not one of html_dir,"),
        ("{id: s, kind: html_dir}", "sources[0] (s).location: missing (required)"),
        ("{id: s, kind: html_dir, location: ''}", "sources[0] (s).location: empty: name a folder,"),
        (
            "{id: s, kind: warc, location: 'https://x.org/a.warc'}",
            "sources[0] (s): a warc location is a local",
        ),
        ("{id: s, kind: dataset, location: x, box: xy}", "sources[0] (s).box: expected 'xyxy', 'xywh',"),
    ]:
        write(tmp_path, "sources.yaml", f"sources:\n  - {entry}\n")
        assert refusal(load_sources, path).startswith(problem), entry


def test_a_live_sources_fingerprint_is_the_one_recorded_before_the_models():
    # Recorded with the dataclass Source: watch must not see every source as changed after an upgrade.
    source = Source(id="maps", kind="sitemap", location="https://x.org/sitemap.xml", license="x")
    assert fingerprint(source) == "d709f84cfe329b51e1f2a2605a3fb0072acce307da0a82691d1247c893904c43"


def test_a_role_is_train_or_benchmark_and_a_benchmark_changes_the_fingerprint(tmp_path):
    live = {"id": "maps", "kind": "sitemap", "location": "https://x.org/sitemap.xml", "license": "x"}
    train, bench = Source(**live, role="train"), Source(**live, role="benchmark")
    assert train.role == Source(**live).role == "train"
    assert fingerprint(train) == "d709f84cfe329b51e1f2a2605a3fb0072acce307da0a82691d1247c893904c43"
    assert fingerprint(bench) != fingerprint(train)  # `watch` republishes a source whose role changed
    write(tmp_path, "sources.yaml", "sources:\n  - {id: s, kind: dataset, location: x, role: eval}\n")
    assert refusal(load_sources, tmp_path / "sources.yaml").startswith(
        "sources[0] (s).role: expected 'train'"
    )


COMMENTED = """\
# Sources groundmill captures.
sources:
  - id: site                 # the fixture pages
    kind: html_dir
    location: data/sources/site
    license: "CC0-1.0"

  # live pages, politely
  - {id: docs, kind: url_list, location: data/urls.txt, license: CC-BY-4.0, politeness: {delay_s: 2}}
  - id: docs-slow
    kind: url_list
    location: data/urls.txt
    politeness:
      delay_s: 5             # a dump would re-indent this block mapping
"""


def commented_project(tmp_path: Path) -> Locations:
    shutil.copytree(SITE, tmp_path / "data" / "sources" / "site")
    write(tmp_path / "data", "urls.txt", "https://example.org/\n")
    write(tmp_path, "sources.yaml", COMMENTED)
    return Locations(tmp_path)


def test_sources_add_keeps_every_comment_and_entry_and_appends(tmp_path):
    paths = commented_project(tmp_path)
    entry = {"id": "more", "kind": "html_dir", "location": "data/sources/site", "license": "CC0-1.0"}
    assert add_source(paths, {**entry, "robots": False})[0] == "more"
    text = paths.sources_file.read_text()
    assert text.startswith(COMMENTED)
    assert text.removeprefix(COMMENTED) == (
        "  - id: more\n    kind: html_dir\n    location: data/sources/site\n    license: CC0-1.0\n"
        "    robots: false\n"
    )
    assert [s.id for s in load_sources(paths.sources_file)] == ["site", "docs", "docs-slow", "more"]


def test_sources_add_refuses_an_unknown_key_and_writes_nothing(tmp_path):
    paths = commented_project(tmp_path)
    entry = {"id": "more", "kind": "url_list", "location": "data/urls.txt", "allow_domain": "example.org"}
    with pytest.raises(SourceError) as caught:
        add_source(paths, entry)
    assert str(caught.value).startswith(
        f"{paths.sources_file}: sources[3] (more).allow_domain: unknown key; allowed: id, kind,"
    )
    assert paths.sources_file.read_text() == COMMENTED


def test_sources_add_to_a_file_of_comments_only_keeps_them(tmp_path):
    paths = commented_project(tmp_path)
    write(tmp_path, "sources.yaml", "# nothing yet\n")
    add_source(paths, {"id": "site", "kind": "html_dir", "location": "data/sources/site", "license": "MIT"})
    assert paths.sources_file.read_text().startswith("# nothing yet\nsources:\n- id: site\n")
    assert [s.id for s in load_sources(paths.sources_file)] == ["site"]


def _numeric_fields(model: type, path: tuple[str, ...] = ()):
    """(path, field) of every int or float setting of a model and the models inside it."""
    import typing

    from pydantic import BaseModel

    for name, field in model.model_fields.items():
        kinds = {a for a in (field.annotation, *typing.get_args(field.annotation)) if isinstance(a, type)}
        nested = [k for k in kinds if issubclass(k, BaseModel)]
        if nested and name != "devices":  # capture.devices are named profiles, checked under `devices`
            yield from _numeric_fields(nested[0], (*path, name))
        elif kinds & {int, float} and not kinds & {bool}:
            yield (*path, name), field


def _bounds(field) -> dict[str, float]:
    return {
        key: getattr(m, key)
        for m in field.metadata
        for key in ("ge", "gt", "le", "lt")
        if getattr(m, key, None) is not None
    }


def _nested(path: tuple[str, ...], value) -> dict:
    doc = value
    for key in reversed(path):
        doc = {key: doc}
    return doc


NUMERIC = [(p, f) for p, f in _numeric_fields(Params) if p[0] != "devices"] + [
    (("devices", "wide", *p), f) for p, f in _numeric_fields(DeviceProfile)
]
SOURCE_NUMERIC = list(_numeric_fields(Source))


@pytest.mark.parametrize("path, field", NUMERIC, ids=[".".join(p) for p, _ in NUMERIC])
def test_every_numeric_parameter_has_a_range_and_a_value_outside_it_is_one_line(path, field, tmp_path):
    bounds = _bounds(field)
    assert "ge" in bounds or "gt" in bounds, f"{'.'.join(path)} declares no lower bound"
    outside = [bounds["ge"] - 1] if "ge" in bounds else [bounds["gt"]]
    outside += [bounds["le"] + 1] if "le" in bounds else [bounds["lt"]] if "lt" in bounds else []
    for value in outside:
        value = int(value) if field.annotation is int or "int" in str(field.annotation) else value
        doc = _nested(path, value)
        if path[0] == "devices":
            doc["devices"]["wide"] |= {"width": 1920, "height": 1080} | doc["devices"]["wide"]
        params = tmp_path / "params.yaml"
        params.write_text(yaml.safe_dump(doc))
        with pytest.raises(ConfigError) as refused:
            load_params(params)
        message = str(refused.value)
        assert "\n" not in message and path[-1] in message, message


@pytest.mark.parametrize("path, field", SOURCE_NUMERIC, ids=[".".join(p) for p, _ in SOURCE_NUMERIC])
def test_every_numeric_source_setting_has_a_range(path, field, tmp_path):
    bounds = _bounds(field)
    assert "ge" in bounds or "gt" in bounds, f"{'.'.join(path)} declares no lower bound"
    value = bounds["ge"] - 1 if "ge" in bounds else bounds["gt"]
    entry = {"id": "s", "kind": "html_dir", "location": str(tmp_path)} | _nested(path, value)
    with pytest.raises(SourceError) as refused:
        parse_source(entry, tmp_path)
    assert "\n" not in str(refused.value) and path[-1] in str(refused.value)


@pytest.mark.parametrize(
    "doc, named",
    [
        ({"difficulty": {"tier_medium": 0.7, "tier_hard": 0.6}}, "tier_medium"),
        ({"export": {"validation": 0.5, "test": 0.5}}, "validation + test"),
    ],
)
def test_settings_that_bound_each_other_are_checked_together(doc, named, tmp_path):
    params = write(tmp_path, "params.yaml", yaml.safe_dump(doc))
    assert named in refusal(load_params, params)
