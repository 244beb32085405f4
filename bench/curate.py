"""Curate benchmark: validate + dedup + grade on synthetic rows, and the near-duplicate finders against
their usual baselines, all measured in one run on this machine.

    .venv/bin/python bench/curate.py                    # 1M rows, 10M streamed, text and pHash baselines
    .venv/bin/python bench/curate.py --rows 200000 --big 0 --texts 20000 --images 60   # quick look

It prints, per part: wall time and peak RSS of validate, dedup and grade on N grounding rows (planted
exact and near duplicates, recovered against the plan); the same for 10M rows streamed through
partitions on disk; MinHash/LSH text near-duplicates against datasketch (throughput, recall and
precision against exact Jaccard); pHash against imagehash (time per image, identical hashes). Each
target is printed with PASS or MISS.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import generate  # noqa: E402

from schemas.config import DifficultyParams, MinHashParams, NearDupParams  # noqa: E402
from schemas.datasets import Grounding  # noqa: E402
from transforms.curate.dedup import dedup_exact, normalised_text  # noqa: E402
from transforms.curate.difficulty import grade_difficulty  # noqa: E402
from transforms.curate.integrity import check_ids, check_refs  # noqa: E402
from transforms.curate.minhash import jaccard, near_duplicate_pairs, shingles  # noqa: E402
from transforms.curate.near_dup import dedup_grounding, screenshot_clusters  # noqa: E402
from transforms.curate.phash import phashes  # noqa: E402
from transforms.curate.scale import curate_grounding_partitioned  # noqa: E402
from transforms.curate.stage import EXACT_KEYS  # noqa: E402
from transforms.curate.validate import split_valid  # noqa: E402

GIB = 1 << 30


class PeakRSS:
    """Samples this process's resident set size every 5 ms; `peak` is the largest seen since reset()."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.now())

    def reset(self) -> None:
        self.peak = self.now()


RSS = PeakRSS()


@contextmanager
def measured(name: str, results: dict):
    RSS.reset()
    start = time.perf_counter()
    yield
    results[name] = (time.perf_counter() - start, max(RSS.peak, RSS.now()))
    print(f"  {name:<9} {results[name][0]:7.2f} s   peak RSS {results[name][1] / GIB:5.2f} GiB", flush=True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def rows_in_memory(n: int) -> None:
    print(f"\n== {n:,} grounding rows in memory: validate + dedup + grade ==")
    data = generate(n, seed=1)
    shots, elements, grounding = data["screenshots"], data["elements"], data["grounding"]
    print(f"  input: {grounding.height:,} rows, {elements.height:,} elements, {shots.height:,} screenshots")
    results: dict = {}
    with measured("validate", results):
        valid, bad = split_valid(grounding, Grounding, "grounding", "grounding_id", "bench")
        valid, bad_ids = check_ids(valid, "grounding")
        valid, bad_refs = check_refs(valid, "grounding", "grounding_id", shots, elements)
    quarantined = bad.height + bad_ids.height + bad_refs.height
    with measured("dedup", results):
        key, order = EXACT_KEYS["grounding"]
        kept, exact = dedup_exact(valid, key, "grounding_id", "grounding", order)
        clusters = screenshot_clusters(shots, radius=NearDupParams().phash_radius)
        kept, near = dedup_grounding(kept, clusters, 0.5, normalised_text("expression"))
    with measured("grade", results):
        graded = grade_difficulty(kept, elements, shots, DifficultyParams())
    total = sum(t for t, _ in results.values())
    peak = max(p for _, p in results.values())
    plan = data["plan"].row(0, named=True)
    pairs = shots.join(clusters, on="screenshot_id").filter(pl.col("parent_id") != pl.col("screenshot_id"))
    parent_cluster = clusters.select(
        pl.col("screenshot_id").alias("parent_id"), pl.col("cluster_id").alias("pc")
    )
    joined = pairs.join(parent_cluster, on="parent_id").filter(pl.col("cluster_id") == pl.col("pc")).height
    print(
        f"  quarantined {quarantined}; exact duplicates {exact.height:,} (planted "
        f"{plan['exact']:,}; more when"
        f" two labels on a screenshot coincide); near duplicates {near.height:,} (planted "
        f"{plan['near_rows']:,} rows on "
        f"{plan['near_screens']:,} near-copy screenshots, some already exact); near-copy "
        "screenshots in their "
        f"original's cluster: {joined:,} of {plan['near_screens']:,}; kept {graded.height:,}"
    )
    ok = n < 1_000_000 or (total <= 20 and peak <= 4 * GIB)
    print(
        f"  total {total:.2f} s, peak RSS {peak / GIB:.2f} GiB   target (1M rows): <= 20 s, <= 4 "
        f"GiB: {verdict(ok)}"
    )


def rows_streamed(n: int, chunk: int) -> None:
    print(f"\n== {n:,} grounding rows streamed through partitions on disk ==")
    with tempfile.TemporaryDirectory(prefix="groundmill-bench-") as tmp:
        folder = Path(tmp)
        RSS.reset()
        start = time.perf_counter()
        shots = []
        for part, begin in enumerate(range(0, n, chunk)):
            data = generate(min(chunk, n - begin), seed=100 + part)
            data["grounding"].write_parquet(folder / f"grounding-{part:03d}.parquet")
            data["elements"].write_parquet(folder / f"elements-{part:03d}.parquet")
            shots.append(data["screenshots"])
            del data
        pl.concat(shots).write_parquet(folder / "screenshots.parquet")
        made = time.perf_counter() - start
        print(f"  generated in {made:.1f} s (peak RSS {RSS.peak / GIB:.2f} GiB)", flush=True)
        results: dict = {}
        with measured("curate", results):
            counts = curate_grounding_partitioned(folder, folder / "out", partitions=max(1, n // 1_000_000))
        elapsed, peak = results["curate"]
        print(
            f"  rows in {counts['rows_in']:,}: kept {counts['kept']:,}, quarantined "
            f"{counts['quarantined']:,}, "
            f"duplicates {counts['duplicates']:,}; {counts['rows_in'] / elapsed:,.0f} rows/s"
        )
        print(
            f"  peak RSS {peak / GIB:.2f} GiB   target (10M rows): <= 8 GiB: "
            f"{verdict(n < 10_000_000 or peak <= 8 * GIB)}"
        )


def planted_texts(n: int, seed: int = 3) -> tuple[list[str], set[tuple[int, int]]]:
    """Instruction-like texts; a fifth of them are near copies (one word changed, or a word added)."""
    rng = random.Random(seed)
    verbs = ["Click", "Open", "Select", "Choose", "Type", "Tick", "Hover over", "Press"]
    vocab = [
        f"{w}{i}"
        for i, w in enumerate(
            (
                "alpha beta gamma delta sigma omega north south east west "
                "river stone cloud field ember frost maple cedar"
            ).split()
            * 40
        )
    ]
    texts, pairs = [], set()
    while len(texts) < n:
        words = [rng.choice(verbs), "the"] + rng.sample(vocab, rng.randint(8, 14)) + ["button"]
        texts.append(" ".join(words))
        if rng.random() < 0.2 and len(texts) < n:
            variant = words[:]
            variant.insert(rng.randrange(2, len(variant)), rng.choice(vocab))
            texts.append(" ".join(variant))
            pairs.add((len(texts) - 2, len(texts) - 1))
    return texts, pairs


def text_near_dup(n: int, baseline_n: int, params: MinHashParams) -> None:
    print(f"\n== near-duplicate texts: MinHash/LSH, {n:,} texts, against datasketch ==")
    texts, planted = planted_texts(n)
    series = pl.Series(texts)
    start = time.perf_counter()
    ours = near_duplicate_pairs(series, params)
    ours_s = time.perf_counter() - start
    grams = shingles(series, params.ngram)
    truth = {
        p
        for p, j in zip(map(tuple, np.asarray(sorted(planted))), jaccard(np.asarray(sorted(planted)), grams))
        if j >= params.threshold
    }
    found = {tuple(p) for p in ours.tolist()}
    recall = len(found & truth) / max(1, len(truth))
    exact_j = jaccard(ours, grams) if len(ours) else np.zeros(0)
    precision = float((exact_j >= params.threshold).mean()) if len(ours) else 1.0
    rate = n / ours_s
    print(
        f"  groundmill: {ours_s:.2f} s, {rate:,.0f} texts/s; recall {recall:.3f} of "
        f"{len(truth):,} planted pairs "
        f"with Jaccard >= {params.threshold}, precision {precision:.3f}"
    )
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        print("  datasketch is not installed: baseline skipped (pip install datasketch)")
        return
    sub = texts[:baseline_n]
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    sketches = []
    for i, text in enumerate(sub):
        words = text.lower().split()
        m = MinHash(num_perm=params.num_perm, seed=params.seed)
        for k in range(max(1, len(words) - params.ngram + 1)):
            m.update(" ".join(words[k : k + params.ngram]).encode())
        lsh.insert(i, m)
        sketches.append(m)
    theirs = {(min(i, j), max(i, j)) for i, m in enumerate(sketches) for j in lsh.query(m) if j != i}
    base_s = time.perf_counter() - start
    base_rate = len(sub) / base_s
    sub_truth = {p for p in truth if p[1] < baseline_n}
    base_recall = len(theirs & sub_truth) / max(1, len(sub_truth))
    print(
        f"  datasketch: {base_s:.2f} s for {len(sub):,} texts, {base_rate:,.0f} texts/s; recall "
        f"{base_recall:.3f}"
    )
    speedup = rate / base_rate
    print(
        f"  throughput {speedup:.1f}x datasketch at recall {recall:.3f}   target: >= 10x at >= 0.95: "
        f"{verdict(speedup >= 10 and recall >= 0.95)}"
    )


def screenshot_pngs(n: int) -> list[bytes]:
    """Page-like 1280x800 PNGs: the sample's published screenshots when there are enough, else drawn."""
    published = ROOT / "data" / "processed" / "screenshots"
    if published.exists():
        pngs = pl.read_parquet(published / "*" / "*.parquet", columns=["png"])["png"].to_list()
        if len(pngs) >= n:
            return pngs[:n]
    from PIL import Image, ImageDraw

    rng = random.Random(9)
    out = []
    for _ in range(n):
        image = Image.new("RGB", (1280, 800), "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, 1280, 64), fill=(15, 23, 42))
        for row in range(30):
            draw.text(
                (40 + rng.randint(0, 40), 90 + row * 23),
                " ".join(
                    rng.choice(("lorem", "ipsum", "dolor", "sit", "amet", "grounding", "button"))
                    for _ in range(rng.randint(6, 18))
                ),
                fill=(30, 30, 30),
            )
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def phash_speed(n: int) -> None:
    print(f"\n== pHash of {n} screenshots, against imagehash.phash ==")
    pngs = screenshot_pngs(n)
    try:
        import imagehash
        from PIL import Image
    except ImportError:
        print("  imagehash is not installed: baseline skipped (pip install imagehash)")
        return
    start = time.perf_counter()
    theirs = [int(str(imagehash.phash(Image.open(io.BytesIO(p)))), 16) for p in pngs]
    base = (time.perf_counter() - start) / n
    for workers in (1, os.cpu_count() or 1):
        start = time.perf_counter()
        ours = phashes(pngs, workers=workers)
        per = (time.perf_counter() - start) / n
        same = sum(int(a) == b for a, b in zip(ours, theirs))
        print(
            f"  {workers} worker(s): {per * 1e3:.2f} ms/image vs imagehash {base * 1e3:.2f} ms/image: "
            f"{base / per:.2f}x, identical hashes {same}/{n}"
        )
    print(f"  target: >= 2x with identical hashes: {verdict(base / per >= 2 and same == n)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows curated in memory")
    parser.add_argument(
        "--big", type=int, default=10_000_000, help="rows streamed through partitions (0: skip)"
    )
    parser.add_argument("--texts", type=int, default=200_000, help="texts for the near-duplicate finder")
    parser.add_argument("--baseline-texts", type=int, default=20_000, help="texts given to datasketch")
    parser.add_argument("--images", type=int, default=300, help="screenshots hashed")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; polars {pl.__version__}")
    rows_in_memory(args.rows)
    if args.big:
        rows_streamed(args.big, chunk=1_000_000)
    text_near_dup(args.texts, args.baseline_texts, MinHashParams())
    phash_speed(args.images)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
