"""The near-duplicate finders of curation against their usual baselines, measured in one run: MinHash/LSH
text near-duplicates against datasketch (throughput, recall and precision against exact Jaccard), and
pHash against imagehash (time per image, identical hashes). Parts of bench/curate.py."""

from __future__ import annotations

import io
import os
import random
import time
from pathlib import Path

import numpy as np
import polars as pl
from checks import MIN_RECALL, Checks

from schemas.config import MinHashParams
from transforms.curate.minhash import jaccard, near_duplicate_pairs, shingles
from transforms.curate.phash import phashes

ROOT = Path(__file__).resolve().parents[1]


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


def datasketch_pairs(texts: list[str], params: MinHashParams) -> tuple[set[tuple[int, int]], float] | None:
    """The pairs datasketch's MinHash LSH finds with the same shingles, permutations and threshold, and
    the seconds it took (its import not counted, as ours is imported before it is timed)."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return None
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    sketches = []
    for i, text in enumerate(texts):
        words = text.lower().split()
        m = MinHash(num_perm=params.num_perm, seed=params.seed)
        for k in range(max(1, len(words) - params.ngram + 1)):
            m.update(" ".join(words[k : k + params.ngram]).encode())
        lsh.insert(i, m)
        sketches.append(m)
    pairs = {(min(i, j), max(i, j)) for i, m in enumerate(sketches) for j in lsh.query(m) if j != i}
    return pairs, time.perf_counter() - start


def text_near_dup(n: int, baseline_n: int, params: MinHashParams, checks: Checks) -> None:
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
        f"  groundmill: {ours_s:.2f} s, {rate:,.0f} texts/s ({pl.thread_pool_size()} Polars threads); recall "
        f"{recall:.3f} of {len(truth):,} planted pairs with Jaccard >= {params.threshold}, precision "
        f"{precision:.3f}"
    )
    checks.require(
        len(truth) > 0 and recall >= MIN_RECALL, f"planted text pairs found {recall:.3f} >= {MIN_RECALL}"
    )
    checks.require(
        precision >= 0.9, f"pairs found with Jaccard >= {params.threshold}: {precision:.3f} >= 0.9"
    )
    baseline = datasketch_pairs(texts[:baseline_n], params)
    if baseline is None:
        checks.require(False, "datasketch baseline ran (pip install datasketch)")
        return
    theirs, base_s = baseline
    base_rate = baseline_n / base_s
    sub_truth = {p for p in truth if p[1] < baseline_n}
    base_recall = len(theirs & sub_truth) / max(1, len(sub_truth))
    speedup = rate / base_rate
    print(
        f"  datasketch: {base_s:.2f} s for {baseline_n:,} texts, {base_rate:,.0f} texts/s (1 Python thread); "
        f"recall {base_recall:.3f} (its LSH at the threshold, no exact-Jaccard check)"
    )
    equal = (
        "equal resources"
        if pl.thread_pool_size() == 1
        else f"not equal: {pl.thread_pool_size()} threads vs 1"
    )
    print(f"  throughput {speedup:.1f}x datasketch, same run ({equal})")
    checks.target(
        speedup >= 10,
        f"text near-duplicates {speedup:.1f}x datasketch >= 10x",
        applies=n >= 100_000 and baseline_n >= 10_000,
        size=">= 100,000 texts, >= 10,000 for datasketch",
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


def phash_speed(n: int, checks: Checks) -> None:
    print(f"\n== pHash of {n} screenshots, against imagehash.phash ==")
    pngs = screenshot_pngs(n)
    try:
        import imagehash
        from PIL import Image
    except ImportError:
        checks.require(False, "imagehash baseline ran (pip install imagehash)")
        return
    start = time.perf_counter()
    theirs = [int(str(imagehash.phash(Image.open(io.BytesIO(p)))), 16) for p in pngs]
    base = (time.perf_counter() - start) / n
    speedup = {}
    for workers in sorted({1, os.cpu_count() or 1}):
        start = time.perf_counter()
        ours = phashes(pngs, workers=workers)
        per = (time.perf_counter() - start) / n
        same = sum(int(a) == b for a, b in zip(ours, theirs))
        speedup[workers] = base / per
        equal = "equal resources" if workers == 1 else f"not equal: {workers} threads vs imagehash's 1"
        print(
            f"  {workers} worker(s): {per * 1e3:.2f} ms/image vs imagehash {base * 1e3:.2f} ms/image: "
            f"{base / per:.2f}x ({equal})"
        )
        checks.require(same == n, f"{workers} worker(s): hashes identical to imagehash's {same}/{n}")
    best = max(speedup)
    checks.target(
        speedup[best] >= 2,
        f"pHash {speedup[best]:.2f}x imagehash with {best} worker(s) >= 2x",
        applies=n >= 100 and best > 1,
        size=">= 100 images on more than one core",
    )
