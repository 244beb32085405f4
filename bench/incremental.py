"""Adding a source to a project that already processed 20 costs about what processing it alone costs.

    .venv/bin/python bench/incremental.py [--sources 20] [--pages 4] [FOLDER]

FOLDER (pages, *.html) defaults to ../shared/corpus/readability when present, else the bundled sample
source. Its first (sources + 1) * pages pages are dealt into sources of `pages` pages each. In scratch
projects, with the real CLI (each run starts its own ephemeral Prefect API, as a user's would):

  full      `groundmill run` of a project holding the other sources (first, so that both measured runs
            find Chromium, fonts and bytecode warm; reported, not compared);
  alone     `groundmill run` of a project holding only the new source;
  add       `groundmill sources add` + `groundmill run --source NEW` in the project of the others.

It prints the seconds, the ratio add / alone (target <= 1.3, judged from 20 sources: with fewer, the
project's fixed costs dominate) and checks that the runs published the new source's files and that no
other source's published file changed. Both measured runs are the same CLI on the same machine, one
after the other (equal resources). Exit status 1, with the reason on the last line, when a run fails,
publishes nothing, changes another source's file, or the judged ratio is over the target.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
TARGET = 1.3

from checks import Checks, groundmill  # noqa: E402


def project(base: Path, name: str, sources: dict[str, list[Path]]) -> Path:
    root = base / name
    for sid, pages in sources.items():
        folder = root / "data" / "sources" / sid
        folder.mkdir(parents=True)
        for page in pages:
            shutil.copy(page, folder / page.name)
    shutil.copy(ROOT / "params.yaml", root / "params.yaml")
    (root / "sources.yaml").write_text(
        "sources:\n"
        + "".join(
            f"  - {{id: {sid}, kind: html_dir, location: data/sources/{sid}, license: unknown}}\n"
            for sid in sources
        )
    )
    return root


def published(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in (root / "data" / "processed").rglob("*.parquet")
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--pages", type=int, default=4)
    args = parser.parse_args()
    corpus = ROOT.parent / "shared" / "corpus" / "readability"
    folder = args.folder or (corpus if corpus.is_dir() else ROOT / "data" / "sources" / "sample")
    pages = sorted(folder.glob("*.html"))
    count = min(args.sources, len(pages) // args.pages - 1)
    checks = Checks()
    if not checks.require(count >= 1, f"{folder} holds pages for at least 2 sources of {args.pages}"):
        return checks.exit_code()
    deal = {f"s{i:02d}": pages[i * args.pages : (i + 1) * args.pages] for i in range(count + 1)}
    new = f"s{count:02d}"
    print(f"{folder}: {count} sources of {args.pages} pages, then one more ({new})")
    with tempfile.TemporaryDirectory(prefix="groundmill-incremental-") as tmp:
        base = Path(tmp)
        many = project(base, "many", {sid: p for sid, p in deal.items() if sid != new})
        t_full = groundmill(many, "run")
        alone = project(base, "alone", {new: deal[new]})
        t_alone = groundmill(alone, "run")
        alone_files = len(published(alone))
        before = published(many)
        shutil.copytree(alone / "data" / "sources" / new, many / "data" / "sources" / new)
        t_register = groundmill(
            many,
            "sources",
            "add",
            new,
            "--kind",
            "html_dir",
            "--location",
            f"data/sources/{new}",
            "--license",
            "CC0-1.0",
        )
        t_run = groundmill(many, "run", "--source", new)
        t_add = t_register + t_run
        after = published(many)
        changed = sorted(k for k, v in before.items() if after.get(k) != v)
        added = sorted(k for k in after if k not in before)
    ratio = t_add / t_alone
    print(f"full:  {count} sources                        {t_full:7.1f} s")
    print(f"alone: {new} in a project of its own        {t_alone:7.1f} s")
    print(f"add:   {new} to the {count}: sources add          {t_register:7.1f} s")
    print(f"                    run --source {new}      {t_run:7.1f} s")
    print(f"ratio add / alone: {ratio:.2f} (run only {t_run / t_alone:.2f}; target <= {TARGET})")
    print(f"published files: {len(added)} added, {len(changed)} of {len(before)} others changed")
    checks.require(alone_files > 0, f"{new} alone published {alone_files} files > 0")
    checks.require(len(added) > 0, f"adding {new} published {len(added)} files > 0")
    checks.require(not changed, f"other sources' published files changed: {len(changed)} == 0")
    checks.target(
        ratio <= TARGET, f"add / alone {ratio:.2f} <= {TARGET}", applies=count >= 20, size="20 sources"
    )
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
