"""dvc.yaml declares what each stage reads: every module of the project its flow imports (directly or
through others, lazy imports included), every params.yaml section it reads, and the stage outputs it
reads. Derived from the code, so a new import or parameter that dvc.yaml misses fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from schemas.config import Params
from tests.conftest import REPO, cli_env

PACKAGES = ("flows", "transforms", "schemas")
PIPELINE = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]


def module_file(name: str) -> Path | None:
    base = REPO / Path(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def imported(path: Path) -> set[Path]:
    """The project's modules that `path` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    names = {n for n in found if n.split(".")[0] in PACKAGES}
    # a package's __init__ runs before its submodules
    names |= {".".join(n.split(".")[:i]) for n in names for i in range(1, n.count(".") + 1)}
    return {f for f in map(module_file, names) if f is not None}


def closure(start: Path) -> set[Path]:
    """The modules `start` runs, itself included; a package __init__ that holds only a docstring runs
    nothing and is left out."""
    seen, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += imported(path) - seen
    return {p for p in seen if not _docstring_only(p)}


def _docstring_only(path: Path) -> bool:
    body = ast.parse(path.read_text()).body
    return path.name == "__init__.py" and all(isinstance(n, ast.Expr) for n in body)


def sections_read(path: Path) -> set[str]:
    """params.yaml sections read in `path`: `load_params(...).x`, or `.x` of a name bound to it."""
    sections = set(Params.model_fields) | {n for n, v in vars(Params).items() if isinstance(v, property)}
    found = set()
    for scope in ast.walk(ast.parse(path.read_text())):
        if not isinstance(scope, ast.FunctionDef | ast.Module):
            continue
        bound = {
            target.id
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign) and _loads_params(node.value)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(scope):
            if isinstance(node, ast.Attribute) and node.attr in sections:
                value = node.value
                if _loads_params(value) or (isinstance(value, ast.Name) and value.id in bound):
                    found.add(node.attr)
    return found


def _loads_params(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == (
        "load_params"
    )


def expanded(sections: set[str]) -> set[str]:
    """Sections as params.yaml names them: a property of Params reads the sections it returns
    (`curate`: difficulty and near_dup); a section whose validator looks up another reads it too
    (`capture` names profiles of `devices`)."""
    tree = ast.parse((REPO / "schemas" / "config.py").read_text())
    params = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Params")
    out = set()
    for section in sections:
        if section in Params.model_fields:
            out.add(section)
    for method in params.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        decorators = [ast.unparse(d) for d in method.decorator_list]
        if method.name in sections and "property" in decorators:
            out |= {
                n.attr
                for n in ast.walk(method)
                if isinstance(n, ast.Attribute) and getattr(n.value, "id", "") == "self"
            }
        validated = [d for d in method.decorator_list if "field_validator" in ast.unparse(d)]
        if any(isinstance(a, ast.Constant) and a.value in sections for d in validated for a in d.args):
            out |= {
                n.args[0].value
                for n in ast.walk(method)
                if isinstance(n, ast.Call)
                and ast.unparse(n.func).endswith("data.get")
                and isinstance(n.args[0], ast.Constant)
            }
    return out


def stage_outputs_read(path: Path) -> set[str]:
    """data/interim/<stage> folders the flow reads: `where.stage("<stage>", ...)`, or every stage's
    where it loops over STAGES."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("where.stage") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant):
                found.add(f"data/interim/{first.value}")
        if isinstance(node, ast.Name) and node.id == "STAGES":
            found |= {f"data/interim/{s}" for s in ("capture", "annotate", "curate")}
    return found


def covered(path: str, declared: list[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in declared)


@pytest.mark.parametrize("stage", list(PIPELINE))
def test_a_stage_declares_every_module_params_section_and_output_it_reads(stage):
    spec = PIPELINE[stage]
    flow = REPO / "flows" / f"{stage}.py"
    modules = closure(flow)
    deps = spec.get("deps", [])
    missing = sorted(
        p.relative_to(REPO).as_posix() for p in modules if not covered(p.relative_to(REPO).as_posix(), deps)
    )
    assert not missing, f"stage {stage} imports modules dvc.yaml does not declare: {missing}"
    read = expanded(set().union(*map(sections_read, modules)))
    declared = set(spec.get("params", []))
    assert read <= declared, f"stage {stage} reads params sections it does not declare: {read - declared}"
    assert declared <= read, f"stage {stage} declares params sections it does not read: {declared - read}"
    outs = [next(iter(o)) if isinstance(o, dict) else o for o in spec.get("outs", [])]
    inputs = stage_outputs_read(flow) - set(outs)
    assert all(covered(p, deps) for p in inputs), f"stage {stage} reads {inputs}, declares {deps}"


def test_the_check_finds_what_a_stage_reads():
    """The derivation itself: the capture flow reads the capture and devices sections (through the
    device profiles) and annotate's (the how-to procedures it replays are mined with its settings), curate
    the difficulty and near_dup sections through `params.curate`."""
    capture = expanded(set().union(*map(sections_read, closure(REPO / "flows" / "capture.py"))))
    curate = expanded(set().union(*map(sections_read, closure(REPO / "flows" / "curate.py"))))
    assert capture == {"annotate", "capture", "devices"} and curate == {"difficulty", "near_dup"}
    assert REPO / "transforms" / "ids.py" in closure(REPO / "flows" / "capture.py")


def test_the_repository_commits_no_dvc_lock_whose_data_is_in_no_remote():
    """A dvc.lock committed here must name data a clone can pull: the default remote is a folder that
    holds every output it records (a lock and no remote: the clone's `dvc pull` fails)."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "dvc.lock"], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    if not tracked.stdout.strip():
        return
    env = cli_env(REPO)
    remote = subprocess.run(["dvc", "remote", "default"], cwd=REPO, env=env, capture_output=True, text=True)
    assert remote.returncode == 0, "dvc.lock is committed but no default DVC remote is configured"
    url = subprocess.run(
        ["dvc", "config", f"remote.{remote.stdout.strip()}.url"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    folder = (REPO / ".dvc" / url).resolve()
    lock = yaml.safe_load((REPO / "dvc.lock").read_text())
    md5s = [o["md5"] for stage in lock["stages"].values() for o in stage.get("outs", []) if "md5" in o]
    missing = [m for m in md5s if not (folder / "files" / "md5" / m[:2] / m[2:]).exists()]
    assert not missing, f"dvc.lock names outputs that {url} does not hold: {missing}"
