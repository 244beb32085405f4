"""Near-duplicate texts: MinHash signatures over word n-grams and LSH banding, vectorised with NumPy.

Texts are normalised (lower case, punctuation dropped, whitespace collapsed) and cut into word
n-grams (a text of n words or fewer is one shingle). Polars hashes each shingle to 64 bits;
`num_perm` multiply-shift hashes of it give the signature as the minimum over the text's shingles.
Texts whose signatures agree on all values of any band become candidates; a candidate pair is an edge
when its estimated Jaccard similarity (the share of equal signature values) reaches `threshold`, and
clusters are the connected components. Everything is seeded: the same texts give the same clusters
in any order (Polars' string hash is stable within a Polars version).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

CHUNK = 1 << 17        # shingles mixed at once: memory is CHUNK x num_perm x 8 bytes
BIG_BUCKET = 64        # a bucket larger than this links its members to its first one only


@dataclass(frozen=True)
class MinHashParams:
    ngram: int = 2            # words per shingle
    num_perm: int = 64        # signature length
    bands: int = 16           # bands x rows = num_perm; P(candidate) = 1 - (1 - J^rows)^bands
    threshold: float = 0.7    # estimated Jaccard similarity at which two texts are near duplicates
    seed: int = 1


def shingles(texts: pl.Series, ngram: int) -> pl.DataFrame:
    """(doc, h): the 64-bit hash of each word n-gram of each normalised text."""
    words = (texts.fill_null("").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}\s]", " ")
             .str.strip_chars().str.split(" ").list.eval(pl.element().filter(pl.element() != "")))
    long = (pl.DataFrame({"doc": np.arange(len(texts), dtype=np.int64), "w": words})
            .with_columns(n=pl.col("w").list.len()).explode("w")
            .with_columns(pos=pl.int_range(pl.len()).over("doc")))
    gram = pl.concat_str([pl.col("w").shift(-k) for k in range(ngram)], separator=" ")
    # Rows near a text's end see the next text's words: only the first n - ngram + 1 are kept.
    long = long.with_columns(
        g=pl.when(pl.col("n") <= ngram).then(pl.col("w").fill_null("").str.join(" ").over("doc")).otherwise(gram))
    kept = long.filter(((pl.col("n") <= ngram) & (pl.col("pos") == 0))
                       | ((pl.col("n") > ngram) & (pl.col("pos") <= pl.col("n") - ngram)))
    return kept.select("doc", h=pl.col("g").hash(seed=7).cast(pl.UInt64))


def signatures(texts: pl.Series, params: MinHashParams) -> np.ndarray:
    """(len(texts), num_perm) uint64 MinHash signatures."""
    rng = np.random.default_rng(params.seed)
    a = rng.integers(1, 2**63, size=params.num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=params.num_perm, dtype=np.uint64)
    pairs = shingles(texts, params.ngram)
    docs, hashes = pairs["doc"].to_numpy(), pairs["h"].to_numpy()
    sig = np.full((len(texts), params.num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(docs), CHUNK):
        d, h = docs[start:start + CHUNK], hashes[start:start + CHUNK]
        mixed = h[:, None] * a[None, :] + b[None, :]           # wraps mod 2^64: multiply-shift hashing
        heads = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])   # docs arrive in order, in runs
        np.minimum.at(sig, d[heads], np.minimum.reduceat(mixed, heads, axis=0))
    return sig


def candidate_pairs(sig: np.ndarray, bands: int, scope: np.ndarray | None = None) -> np.ndarray:
    """(P, 2) index pairs (i < j) that fall in one bucket of some band, within one scope when given."""
    n, perm = sig.shape
    rows = perm // bands
    mult = np.random.default_rng(0).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    found = []
    for band in range(bands):
        key = (sig[:, band * rows:(band + 1) * rows] * mult).sum(axis=1, dtype=np.uint64)
        frame = pl.DataFrame({"k": key, "s": scope if scope is not None else np.zeros(n, dtype=np.int64),
                              "i": np.arange(n, dtype=np.int64)})
        frame = frame.with_columns(size=pl.len().over("k", "s")).filter(pl.col("size") > 1)
        small = frame.filter(pl.col("size") <= BIG_BUCKET)
        pairs = small.join(small, on=["k", "s"], suffix="_j").filter(pl.col("i") < pl.col("i_j"))
        big = frame.filter(pl.col("size") > BIG_BUCKET).with_columns(first=pl.col("i").min().over("k", "s"))
        big = big.filter(pl.col("i") != pl.col("first")).select(pl.col("first").alias("i"), pl.col("i").alias("i_j"))
        found += [pairs.select("i", "i_j").to_numpy(), big.to_numpy()]
    every = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    return np.unique(every, axis=0) if len(every) else every.reshape(0, 2)


def near_duplicate_clusters(texts: pl.Series, params: MinHashParams,
                            scope: np.ndarray | None = None) -> np.ndarray:
    """A cluster label per text (the smallest index in its cluster); singletons label themselves."""
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    sig = signatures(texts, params)
    pairs = candidate_pairs(sig, params.bands, scope)
    if len(pairs):
        similar = (sig[pairs[:, 0]] == sig[pairs[:, 1]]).mean(axis=1) >= params.threshold
        pairs = pairs[similar]
    return components(n, pairs)


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected components of n nodes, each labelled by its smallest node index."""
    if not len(edges):
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    smallest = np.full(label.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, label, np.arange(n, dtype=np.int64))
    return smallest[label]
