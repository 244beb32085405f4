(cover) => {
  // Runs inside the page before the first slice is looked at: takes away the overlays that block the
  // whole page (a modal's backdrop, a consent or newsletter wall), which would win every hit test and
  // leave the page under them `empty`. An overlay is an element on the way up from what is hit at the
  // viewport's centre or its quarters that is fixed in place, above the page (z-index above 0), covers
  // at least `cover` of the viewport, and is see-through (a translucent background, opacity or backdrop
  // filter: the page is meant to show under it) or bare (no text, image or control of its own: a
  // click-catcher). A full-screen layer that holds the page's content (opaque, with text) stays. Each one
  // is hidden (display: none), not deleted, and named in what comes back: tag#id.class.
  const W = window.innerWidth, H = window.innerHeight;
  const alpha = (colour) => {
    const parts = (colour.match(/\(([^)]*)\)/) || [null, ""])[1].split(/[\s,/]+/).filter(Boolean);
    if (!parts.length) return colour === "transparent" ? 0 : 1;
    return parts.length > 3 ? parseFloat(parts[3]) * (parts[3].endsWith("%") ? 0.01 : 1) : 1;
  };
  const isOverlay = (el) => {
    const style = getComputedStyle(el);
    if (style.position !== "fixed" || !(parseInt(style.zIndex, 10) > 0)) return false;
    const r = el.getBoundingClientRect();
    const w = Math.min(r.right, W) - Math.max(r.left, 0), h = Math.min(r.bottom, H) - Math.max(r.top, 0);
    if (w <= 0 || h <= 0 || w * h < cover * W * H) return false;
    const a = alpha(style.backgroundColor);
    const seeThrough = (a > 0 && a < 1) || parseFloat(style.opacity) < 1 ||
      (style.backdropFilter || "none") !== "none";
    const bare = !el.textContent.trim() && !el.querySelector("img,svg,video,canvas,iframe,input,button,select");
    return seeThrough || bare;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") +
    Array.from(el.classList).slice(0, 3).map((c) => `.${c}`).join("");
  const removed = [];
  for (let round = 0; round < 8; round++) { // overlays may be stacked
    let overlay = null;
    for (const [fx, fy] of [[0.5, 0.5], [0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
      for (let n = document.elementFromPoint(fx * W, fy * H); n && !overlay; n = n.parentElement) {
        if (n === document.body || n === document.documentElement) break;
        if (isOverlay(n)) overlay = n;
      }
      if (overlay) break;
    }
    if (!overlay) break;
    overlay.style.setProperty("display", "none", "important");
    removed.push(name(overlay));
  }
  return removed;
}
