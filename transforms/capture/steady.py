"""Scripts that make a page's own randomness repeatable: the same page draws the same numbers in every run.

Saved pages call Math.random for ad cache-busters (`ord=...` in medicalnewstoday's HTML), element ids and
shuffled teasers; each draw changed the captured HTML, and with it the page's captures row, in every
run. Every document (each frame, each load) starts the same seeded generator, so a page's draws depend
only on the page and the order it makes them in. crypto.getRandomValues and crypto.randomUUID draw from it
too (they are not for secrets here: nothing a captured page computes leaves the browser)."""

from __future__ import annotations

# mulberry32: a small, well-mixed 32-bit generator; the seed is arbitrary and fixed.
SEEDED_RANDOM_JS = """
(() => {
  let state = 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Math.random = next;
  if (self.crypto) {
    const fill = (array) => {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
      return array;
    };
    try { Object.defineProperty(Crypto.prototype, "getRandomValues", { value: fill }); } catch (e) {}
    try {
      Object.defineProperty(Crypto.prototype, "randomUUID", {
        value: () => {
          const b = fill(new Uint8Array(16));
          b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
          const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
          return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        },
      });
    } catch (e) {}
  }
})();
"""

# The browser's own requestAnimationFrame, kept where the capture (and only it) looks for it, before the
# paused page clock replaces the page's: waiting for a painted frame must not depend on the page's timers.
NATIVE_FRAME_JS = """
(() => {
  try {
    Object.defineProperty(window, Symbol.for("groundmill.frame"), {
      value: window.requestAnimationFrame.bind(window),
    });
  } catch (e) {}
})();
"""

# Lazy images and frames load when the browser finds them near the viewport, which depends on when it
# looked: a blocked lazy image shows its alt text (a broken image) or an empty box, so firefox-nightly-blog's
# page was 12,507 px high in one run and 12,858 in another. Every image and frame is made eager as the
# parser adds it, so all of them are loaded (or refused) before the load event, in every run.
EAGER_JS = """
(() => {
  const eager = (node) => {
    const tag = node.tagName;
    if ((tag === "IMG" || tag === "IFRAME") && node.loading === "lazy") node.loading = "eager";
  };
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (node.nodeType !== 1) continue;
      eager(node);
      if (node.querySelectorAll) node.querySelectorAll("[loading=lazy]").forEach(eager);
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""
