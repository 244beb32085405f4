"""Near duplicates without images: pHash pairs within a radius, MinHash clusters of near-identical texts
(recall against exact Jaccard), and how-to procedures that repeat a fuller one."""

from __future__ import annotations

import random

import numpy as np
import polars as pl

from schemas.config import MinHashParams
from transforms.curate.minhash import near_duplicate_clusters, shingles
from transforms.curate.near_dup import dedup_howto, hash_pairs


def test_hash_pairs_finds_exactly_the_pairs_within_the_radius():
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**63, size=200, dtype=np.uint64)
    flips = np.array([(1 << int(b)) for b in rng.integers(0, 64, size=200)], dtype=np.uint64)
    hashes = np.concatenate([base, base ^ flips, base ^ flips ^ (flips << np.uint64(1)) ^ np.uint64(7 << 20)])
    found = {tuple(p) for p in hash_pairs(hashes, 4).tolist()}
    brute = {
        (i, j)
        for i in range(len(hashes))
        for j in range(i + 1, len(hashes))
        if bin(int(hashes[i]) ^ int(hashes[j])).count("1") <= 4
    }
    assert found == brute and len(brute) >= 200


def test_minhash_clusters_near_duplicate_texts_and_keeps_different_ones_apart():
    texts = pl.Series(
        [
            "Click the Sign in button on the top bar",
            "click the sign-in button on the top bar!",
            "Click the Sign in button on the top bar now",
            "Open the pricing page from the menu",
            "Type Paris into the destination field",
            "Type Berlin into the departure field",
        ]
    )
    labels = near_duplicate_clusters(texts, MinHashParams())
    assert labels[0] == labels[1] == labels[2] and len({labels[3], labels[4], labels[5], labels[0]}) == 4
    assert shingles(pl.Series(["a b c"]), 2)["h"].n_unique() == 2


def test_minhash_recall_against_exact_jaccard():
    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(400)]
    texts, truth = [], set()
    for _ in range(300):
        words = rng.sample(vocab, 16)
        texts.append(" ".join(words))
        variant = words[:]
        variant[rng.randrange(16)] = rng.choice(vocab)  # one word changed: Jaccard of bigrams >= 0.76
        texts.append(" ".join(variant))
    grams = [{" ".join(t.split()[k : k + 2]) for k in range(len(t.split()) - 1)} for t in texts]
    for i in range(0, len(texts), 2):
        j = len(grams[i] & grams[i + 1]) / len(grams[i] | grams[i + 1])
        if j >= 0.7:
            truth.add((i, i + 1))
    labels = near_duplicate_clusters(pl.Series(texts), MinHashParams())
    found = sum(labels[i] == labels[j] for i, j in truth)
    assert len(truth) > 100 and found / len(truth) >= 0.95
    unrelated = sum(labels[i] == labels[i + 2] for i in range(0, len(texts) - 2, 2))
    assert unrelated == 0


def test_near_duplicate_howtos_keep_the_fuller_procedure():
    howto = pl.DataFrame(
        {
            "howto_id": ["h1", "h2", "h3"],
            "source_id": ["t"] * 3,
            "goal": ["How to reset your password", "How to reset your password", "How to bake bread"],
            "steps": [
                ["Open settings", "Click reset password", "Check your mail"],
                ["Open settings", "Click reset password", "Check your mail", "Sign in again"],
                ["Mix", "Bake"],
            ],
            "n_steps": [3, 4, 2],
        }
    )
    kept, dupes = dedup_howto(howto, MinHashParams(threshold=0.6))
    assert sorted(kept["howto_id"]) == ["h2", "h3"]
    assert dupes.select("row_id", "dedup_of").row(0) == ("h1", "h2")
