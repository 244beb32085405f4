"""Near-duplicate texts: MinHash signatures over word n-grams and LSH banding, vectorised with NumPy.

Texts are normalised (lower case, punctuation dropped, whitespace collapsed) and cut into word
n-grams (a text of n words or fewer is one shingle). Polars hashes each shingle to 64 bits;
`num_perm` multiply-shift hashes of it give the signature as the minimum over the text's shingles.
Texts whose signatures agree on all values of any band become candidates; a candidate pair is an edge
when the exact Jaccard similarity of its shingle sets reaches `threshold` (computed for candidates
only, so precision is 1 and recall is the banding's), and clusters are the connected components.
Everything is seeded: the same texts give the same clusters in any order (Polars' string hash is
stable within a Polars version).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from schemas.config import MinHashParams

CHUNK = 1 << 17  # shingles mixed at once: memory is CHUNK x num_perm x 8 bytes
BIG_BUCKET = 64  # a bucket larger than this links its members to its first one only


def shingles(texts: pl.Series, ngram: int) -> pl.DataFrame:
    """(doc, h): the 64-bit hash of each word n-gram of each normalised text."""
    words = (
        texts.fill_null("")
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}\s]", " ")
        .str.strip_chars()
        .str.split(" ")
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    long = (
        pl.DataFrame({"doc": np.arange(len(texts), dtype=np.int64), "w": words})
        .with_columns(n=pl.col("w").list.len())
        .explode("w")
        .with_columns(pos=pl.int_range(pl.len()).over("doc"))
    )
    gram = pl.concat_str([pl.col("w").shift(-k) for k in range(ngram)], separator=" ")
    # Rows near a text's end see the next text's words: only the first n - ngram + 1 are kept.
    long = long.with_columns(
        g=pl.when(pl.col("n") <= ngram)
        .then(pl.col("w").fill_null("").str.join(" ").over("doc"))
        .otherwise(gram)
    )
    kept = long.filter(
        ((pl.col("n") <= ngram) & (pl.col("pos") == 0))
        | ((pl.col("n") > ngram) & (pl.col("pos") <= pl.col("n") - ngram))
    )
    return kept.select("doc", h=pl.col("g").hash(seed=7).cast(pl.UInt64))


def signatures(pairs: pl.DataFrame, n: int, params: MinHashParams) -> np.ndarray:
    """(n, num_perm) uint64 MinHash signatures of the (doc, h) shingles of n texts."""
    rng = np.random.default_rng(params.seed)
    a = rng.integers(1, 2**63, size=params.num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=params.num_perm, dtype=np.uint64)
    docs, hashes = pairs["doc"].to_numpy(), pairs["h"].to_numpy()
    sig = np.full((n, params.num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(docs), CHUNK):
        d, h = docs[start : start + CHUNK], hashes[start : start + CHUNK]
        mixed = h[:, None] * a[None, :] + b[None, :]  # wraps mod 2^64: multiply-shift hashing
        heads = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])  # docs arrive in order, in runs
        np.minimum.at(sig, d[heads], np.minimum.reduceat(mixed, heads, axis=0))
    return sig


def candidate_pairs(sig: np.ndarray, bands: int, scope: np.ndarray | None = None) -> np.ndarray:
    """(P, 2) index pairs (i < j) that fall in one bucket of some band, within one scope when given."""
    n, perm = sig.shape
    rows = perm // bands
    mult = np.random.default_rng(0).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    found = []
    for band in range(bands):
        key = (sig[:, band * rows : (band + 1) * rows] * mult).sum(axis=1, dtype=np.uint64)
        frame = pl.DataFrame(
            {
                "k": key,
                "s": scope if scope is not None else np.zeros(n, dtype=np.int64),
                "i": np.arange(n, dtype=np.int64),
            }
        )
        frame = frame.with_columns(size=pl.len().over("k", "s")).filter(pl.col("size") > 1)
        small = frame.filter(pl.col("size") <= BIG_BUCKET)
        pairs = small.join(small, on=["k", "s"], suffix="_j").filter(pl.col("i") < pl.col("i_j"))
        big = frame.filter(pl.col("size") > BIG_BUCKET).with_columns(first=pl.col("i").min().over("k", "s"))
        big = big.filter(pl.col("i") != pl.col("first")).select(
            pl.col("first").alias("i"), pl.col("i").alias("i_j")
        )
        found += [pairs.select("i", "i_j").to_numpy(), big.to_numpy()]
    every = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    return np.unique(every, axis=0) if len(every) else every.reshape(0, 2)


def jaccard(pairs: np.ndarray, grams: pl.DataFrame) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of each (i, j) pair."""
    if not len(pairs):
        return np.zeros(0)
    sets = grams.unique(["doc", "h"])
    sizes = sets.group_by("doc").agg(n=pl.len())
    frame = pl.DataFrame({"pair": np.arange(len(pairs)), "i": pairs[:, 0], "j": pairs[:, 1]})
    left = frame.join(sets, left_on="i", right_on="doc").select("pair", "h")
    right = frame.join(sets, left_on="j", right_on="doc").select("pair", "h")
    both = left.join(right, on=["pair", "h"]).group_by("pair").agg(inter=pl.len())
    counted = (
        frame.join(both, on="pair", how="left")
        .join(sizes.rename({"doc": "i", "n": "n_i"}), on="i", how="left")
        .join(sizes.rename({"doc": "j", "n": "n_j"}), on="j", how="left")
        .sort("pair")
    )
    inter = counted["inter"].fill_null(0).to_numpy()
    return inter / (counted["n_i"].fill_null(0).to_numpy() + counted["n_j"].fill_null(0).to_numpy() - inter)


def near_duplicate_pairs(
    texts: pl.Series, params: MinHashParams, scope: np.ndarray | None = None
) -> np.ndarray:
    """(P, 2) index pairs i < j of texts (within one scope, when given) whose word n-gram sets have a
    Jaccard similarity of at least params.threshold, found through MinHash banding."""
    if len(texts) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    grams = shingles(texts, params.ngram)
    cand = candidate_pairs(signatures(grams, len(texts), params), params.bands, scope)
    return cand[jaccard(cand, grams) >= params.threshold]


def near_duplicate_clusters(
    texts: pl.Series, params: MinHashParams, scope: np.ndarray | None = None
) -> np.ndarray:
    """A cluster label per text (the smallest index in its cluster); singletons label themselves."""
    return components(len(texts), near_duplicate_pairs(texts, params, scope))


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected components of n nodes, each labelled by its smallest node index."""
    if not len(edges):
        return np.arange(n, dtype=np.int64)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    smallest = np.full(label.max() + 1, n, dtype=np.int64)
    np.minimum.at(smallest, label, np.arange(n, dtype=np.int64))
    return smallest[label]
