// Runs inside the page: every element that carries content or accepts input, in the document, in
// open shadow roots and in same-origin iframes. Boxes are in viewport (CSS) pixels of the top page.
// Visible elements come back with their box clipped to the viewport and the share of sample points
// that hit-test to them; the others come back in `excluded` with the reason they were left out.
// Elements nested inside an interactive element are part of that control and are not listed.
(maxElements) => {
  const W = window.innerWidth, H = window.innerHeight;
  const SKIP = new Set(["SCRIPT", "STYLE", "HEAD", "META", "LINK", "TITLE", "NOSCRIPT", "TEMPLATE",
    "OPTION", "OPTGROUP", "BR", "HTML", "BODY", "SLOT"]);
  const MEDIA = new Set(["IMG", "SVG", "CANVAS", "VIDEO", "PICTURE", "INPUT", "TEXTAREA", "SELECT", "IFRAME"]);
  const INTERACTIVE_ROLES = new Set(["button", "link", "checkbox", "radio", "switch", "tab", "menuitem",
    "menuitemcheckbox", "menuitemradio", "option", "combobox", "textbox", "searchbox", "slider",
    "spinbutton", "treeitem"]);
  const CONTROL = "a[href],button,select,textarea,summary,[role=button],[role=link],[role=tab]," +
    "[role=menuitem],[role=option],[role=switch],[role=checkbox],[role=radio]";
  const IMPLICIT_ROLE = {
    A: (el) => (el.hasAttribute("href") ? "link" : "generic"), BUTTON: () => "button",
    SELECT: (el) => (el.multiple ? "listbox" : "combobox"), TEXTAREA: () => "textbox",
    IMG: (el) => (el.getAttribute("alt") === "" ? "presentation" : "img"), NAV: () => "navigation",
    H1: () => "heading", H2: () => "heading", H3: () => "heading", H4: () => "heading",
    H5: () => "heading", H6: () => "heading", UL: () => "list", OL: () => "list", LI: () => "listitem",
    TABLE: () => "table", TH: () => "columnheader", TD: () => "cell", TR: () => "row",
    FORM: () => "form", MAIN: () => "main", HEADER: () => "banner", FOOTER: () => "contentinfo",
    ASIDE: () => "complementary", DIALOG: () => "dialog", P: () => "paragraph", LABEL: () => "label",
    SUMMARY: () => "button", SVG: () => "img", PROGRESS: () => "progressbar", IFRAME: () => "document",
  };
  const INPUT_ROLE = {
    checkbox: "checkbox", radio: "radio", range: "slider", number: "spinbutton", search: "searchbox",
    button: "button", submit: "button", reset: "button", image: "button",
  };
  const GRID = 4; // visible_ratio samples GRID x GRID points over the clipped box

  const clean = (s, n = 300) => (s || "").replace(/\s+/g, " ").trim().slice(0, n);
  const roleOf = (el) => {
    const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (el.tagName === "INPUT") return INPUT_ROLE[(el.type || "text").toLowerCase()] || "textbox";
    const f = IMPLICIT_ROLE[el.tagName.toUpperCase()];
    return f ? f(el) : "generic";
  };
  const isInteractive = (el) => {
    const t = el.tagName.toUpperCase();
    if (t === "A") return el.hasAttribute("href");
    if (t === "BUTTON" || t === "SELECT" || t === "TEXTAREA" || t === "SUMMARY") return true;
    if (t === "INPUT") return el.type !== "hidden";
    if (INTERACTIVE_ROLES.has((el.getAttribute("role") || "").trim())) return true;
    if (el.hasAttribute("onclick") || el.isContentEditable) return true;
    const ti = el.getAttribute("tabindex");
    return ti !== null && parseInt(ti, 10) >= 0;
  };
  const hasOwnText = (el) => {
    for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) return true;
    return false;
  };
  // el.labels scans the whole document on every call (seconds on a page of 100,000 controls): the
  // labels of each document or shadow root are mapped to their controls once.
  const labelMaps = new Map();
  const firstLabel = (el) => {
    const root = el.getRootNode();
    if (!labelMaps.has(root)) {
      const map = new Map();
      for (const label of root.querySelectorAll ? root.querySelectorAll("label") : []) {
        if (label.control && !map.has(label.control)) map.set(label.control, label);
      }
      labelMaps.set(root, map);
    }
    return labelMaps.get(root).get(el);
  };
  const accessibleName = (el) => {
    const aria = el.getAttribute("aria-label");
    if (aria && aria.trim()) return clean(aria);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const root = el.getRootNode();
      const t = by.split(/\s+/).map((id) => (root.getElementById ? root.getElementById(id) : null))
        .filter(Boolean).map((n) => n.innerText).join(" ");
      if (t.trim()) return clean(t);
    }
    const label = firstLabel(el);
    if (label) return clean(label.innerText);
    for (const attr of ["alt", "title", "placeholder"]) {
      const v = el.getAttribute(attr);
      if (v && v.trim()) return clean(v);
    }
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)) return clean(el.value);
    if (el.tagName.toUpperCase() === "SVG") {
      const t = el.querySelector("title");
      if (t) return clean(t.textContent);
    }
    return clean(el.innerText);
  };
  // The element under (x, y) of the top viewport, looking into open shadow roots and same-origin iframes.
  const deepHit = (x, y) => {
    let hit = document.elementFromPoint(x, y), ox = 0, oy = 0;
    for (let depth = 0; hit && depth < 32; depth++) {
      if (hit.shadowRoot) {
        const inner = hit.shadowRoot.elementFromPoint(x - ox, y - oy);
        if (inner && inner !== hit) { hit = inner; continue; }
      }
      if (hit.tagName === "IFRAME") {
        let doc = null;
        try { doc = hit.contentDocument; } catch (e) { doc = null; }
        if (doc) {
          const r = hit.getBoundingClientRect();
          ox += r.left + hit.clientLeft; oy += r.top + hit.clientTop;
          const inner = doc.elementFromPoint(x - ox, y - oy);
          if (inner) { hit = inner; continue; }
        }
      }
      break;
    }
    return hit;
  };
  // Is `node` the element or inside it, across shadow and frame boundaries?
  const holds = (el, node) => {
    for (let n = node; n; n = n.parentNode || n.host || (n.defaultView ? n.defaultView.frameElement : null)) {
      if (n === el) return true;
    }
    return false;
  };
  const hitsSelf = (el, x, y) => holds(el, deepHit(x, y));
  // A click at (x, y) acts on `el`: the hit lands on it and not on another control nested inside it.
  const clicksSelf = (el, x, y) => {
    const hit = deepHit(x, y);
    if (!holds(el, hit)) return false;
    for (let n = hit; n && n !== el; n = n.parentNode || n.host) {
      if (n.nodeType === 1 && isInteractive(n)) return false;
    }
    return true;
  };
  // The name of the form around a control: its label, its first heading or legend, or the heading before it.
  const formName = (el) => {
    const form = el.closest("form");
    if (!form) return null;
    const aria = form.getAttribute("aria-label");
    if (aria && aria.trim()) return clean(aria, 80);
    const inner = form.querySelector("h1,h2,h3,h4,h5,h6,legend");
    if (inner && inner.innerText.trim()) return clean(inner.innerText, 80);
    for (let n = form; n && n.tagName !== "BODY"; n = n.parentElement) {
      for (let s = n.previousElementSibling; s; s = s.previousElementSibling) {
        const h = /^H[1-6]$/.test(s.tagName) ? s : s.querySelector("h1,h2,h3,h4,h5,h6");
        if (h && h.innerText.trim()) return clean(h.innerText, 80);
      }
    }
    return null;
  };
  // Corner radius as a share of the shorter side (0.5 is fully round); percentages are of the side.
  const radiusRatio = (style, w, h) => {
    const v = style.borderTopLeftRadius || "0";
    const side = Math.min(w, h);
    const r = v.endsWith("%") ? parseFloat(v) / 100 * side : parseFloat(v);
    return side > 0 && r > 0 ? Math.min(r / side, 0.5) : 0;
  };
  // nth-of-type of each element, counted once per parent: a parent with 100,000 children is not rescanned
  // for each of them.
  const nthOfType = new Map();
  const nth = (n) => {
    if (!nthOfType.has(n)) {
      const seen = {};
      for (const c of n.parentNode ? n.parentNode.children : [n]) {
        seen[c.tagName] = (seen[c.tagName] || 0) + 1;
        nthOfType.set(c, seen[c.tagName]);
      }
    }
    return nthOfType.get(n);
  };
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && n.tagName !== "HTML"; n = n.parentElement) {
      parts.unshift(`${n.tagName.toLowerCase()}:nth-of-type(${nth(n)})`);
    }
    return parts.join(">");
  };
  // A heading or paragraph is a block as wide as its column; what a person points at is its text.
  const ownBox = (el, asBlock) => {
    const r = el.getBoundingClientRect();
    if (asBlock) return r;
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    const t = range.getBoundingClientRect();
    if (t.width < 1 || t.height < 1) return r;
    const left = Math.max(r.left, t.left), top = Math.max(r.top, t.top);
    const right = Math.min(r.right, t.right), bottom = Math.min(r.bottom, t.bottom);
    return right - left >= 1 && bottom - top >= 1 ? { left, top, right, bottom } : r;
  };
  const round = (v) => Math.round(v * 100) / 100;

  const elements = [], excluded = [];
  const counts = { hidden: 0, transparent: 0, zero_size: 0, off_screen: 0, covered: 0, over_cap: 0 };
  const exclude = (el, reason, frame, box) => {
    counts[reason]++;
    if (excluded.length < maxElements) {
      excluded.push({ tag: el.tagName.toLowerCase(), role: roleOf(el), dom_id: el.getAttribute("id"),
        name: accessibleName(el), reason, css_path: frame.path + cssPath(el),
        x1: box ? round(box.left + frame.dx) : null, y1: box ? round(box.top + frame.dy) : null,
        x2: box ? round(box.right + frame.dx) : null, y2: box ? round(box.bottom + frame.dy) : null });
    }
  };

  const visit = (el, frame, loose = false) => {
    const tag = el.tagName.toUpperCase();
    if (SKIP.has(tag) && !loose) return;
    if (el.parentElement && el.parentElement.closest("svg")) return;
    const interactive = isInteractive(el);
    if (!interactive && !hasOwnText(el) && !MEDIA.has(tag) && !el.hasAttribute("aria-label")) return;
    if (el.parentElement && el.parentElement.closest(CONTROL)) return;

    if (!el.checkVisibility({ checkVisibilityCSS: true })) return exclude(el, "hidden", frame, null);
    if (!el.checkVisibility({ checkOpacity: true })) return exclude(el, "transparent", frame, null);
    const r = ownBox(el, interactive || MEDIA.has(tag));
    if (r.right - r.left < 1 || r.bottom - r.top < 1) return exclude(el, "zero_size", frame, null);
    const bx1 = r.left + frame.dx, by1 = r.top + frame.dy, bx2 = r.right + frame.dx, by2 = r.bottom + frame.dy;
    const x1 = Math.max(frame.clip.x1, bx1), y1 = Math.max(frame.clip.y1, by1);
    const x2 = Math.min(frame.clip.x2, bx2), y2 = Math.min(frame.clip.y2, by2);
    if (x2 - x1 < 1 || y2 - y1 < 1) return exclude(el, "off_screen", frame, r);
    // Past the cap an element on screen is only counted: no hit tests, no record.
    if (elements.length >= maxElements) { counts.over_cap++; return; }
    let hits = 0;
    for (let i = 0; i < GRID; i++) for (let j = 0; j < GRID; j++) {
      if (hitsSelf(el, x1 + (i + 0.5) * (x2 - x1) / GRID, y1 + (j + 0.5) * (y2 - y1) / GRID)) hits++;
    }
    const centerHit = clicksSelf(el, (x1 + x2) / 2, (y1 + y2) / 2);
    if (hits === 0 && !hitsSelf(el, (x1 + x2) / 2, (y1 + y2) / 2)) return exclude(el, "covered", frame, r);

    const attr = (a) => el.getAttribute(a);
    const style = getComputedStyle(el);
    const popup = attr("aria-haspopup");
    elements.push({
      tag: el.tagName.toLowerCase(), role: roleOf(el), dom_id: attr("id"),
      text: clean(el.innerText !== undefined ? el.innerText : el.textContent),
      name: accessibleName(el),
      aria_label: attr("aria-label"), alt: attr("alt"), title: attr("title"),
      placeholder: attr("placeholder"), href: attr("href"),
      input_type: tag === "INPUT" || tag === "BUTTON" ? (el.type || "text").toLowerCase() : null,
      input_name: attr("name"),
      options: tag === "SELECT" ? Array.from(el.options).map((o) => clean(o.text, 80)) : null,
      form_name: formName(el), has_popup: (popup !== null && popup !== "false") || attr("aria-expanded") !== null,
      bg_color: style.backgroundColor, fg_color: style.color,
      radius_ratio: round(radiusRatio(style, r.right - r.left, r.bottom - r.top)),
      font_weight: parseInt(style.fontWeight, 10) || 400,
      interactive, center_hit: centerHit, visible_ratio: hits / (GRID * GRID),
      in_viewport: bx1 >= frame.clip.x1 && by1 >= frame.clip.y1 && bx2 <= frame.clip.x2 && by2 <= frame.clip.y2,
      x1: round(x1), y1: round(y1), x2: round(x2), y2: round(y2),
      css_path: frame.path + cssPath(el), scope: frame.scope,
    });
  };

  const walk = (root, frame) => {
    for (const el of root.querySelectorAll("*")) {
      visit(el, frame);
      if (el.shadowRoot) {
        walk(el.shadowRoot, { ...frame, path: `${frame.path}${cssPath(el)}::shadow>`, scope: "shadow" });
      }
      if (el.tagName === "IFRAME" && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
        let doc = null;
        try { doc = el.contentDocument; } catch (e) { doc = null; }
        if (!doc || !doc.documentElement) continue;
        const r = el.getBoundingClientRect();
        const dx = frame.dx + r.left + el.clientLeft, dy = frame.dy + r.top + el.clientTop;
        const clip = { x1: Math.max(frame.clip.x1, dx), y1: Math.max(frame.clip.y1, dy),
          x2: Math.min(frame.clip.x2, dx + el.clientWidth), y2: Math.min(frame.clip.y2, dy + el.clientHeight) };
        walk(doc, { dx, dy, clip, path: `${frame.path}${cssPath(el)}::frame>`, scope: "iframe" });
      }
    }
  };
  const top = { dx: 0, dy: 0, clip: { x1: 0, y1: 0, x2: W, y2: H }, path: "", scope: "document" };
  walk(document, top);
  // Text written straight into <body> is no element's: when it is all the page shows, the body stands
  // for it (its box is its text's), so the page is not taken for empty.
  if (!elements.length && document.body && hasOwnText(document.body)) visit(document.body, top, true);
  return { elements, excluded, counts, title: document.title, width: W, height: H,
    scroll_height: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
    scroll_y: window.scrollY };
}
