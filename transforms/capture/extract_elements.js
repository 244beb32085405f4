// Runs inside the page: returns every visible element that carries content or accepts input,
// with its box in viewport (= screenshot) pixels, and counts of the elements left out and why.
// Elements nested inside an interactive element are part of that control and are not listed.
(maxElements) => {
  const W = window.innerWidth, H = window.innerHeight;
  const SKIP = new Set(["SCRIPT", "STYLE", "HEAD", "META", "LINK", "TITLE", "NOSCRIPT", "TEMPLATE",
    "OPTION", "OPTGROUP", "BR", "HTML", "BODY"]);
  const MEDIA = new Set(["IMG", "SVG", "CANVAS", "VIDEO", "PICTURE", "INPUT", "TEXTAREA", "SELECT", "IFRAME"]);
  const INTERACTIVE_ROLES = new Set(["button", "link", "checkbox", "radio", "switch", "tab", "menuitem",
    "menuitemcheckbox", "menuitemradio", "option", "combobox", "textbox", "searchbox", "slider",
    "spinbutton", "treeitem"]);
  const IMPLICIT_ROLE = {
    A: (el) => (el.hasAttribute("href") ? "link" : "generic"), BUTTON: () => "button",
    SELECT: (el) => (el.multiple ? "listbox" : "combobox"), TEXTAREA: () => "textbox",
    IMG: (el) => (el.getAttribute("alt") === "" ? "presentation" : "img"), NAV: () => "navigation",
    H1: () => "heading", H2: () => "heading", H3: () => "heading", H4: () => "heading",
    H5: () => "heading", H6: () => "heading", UL: () => "list", OL: () => "list", LI: () => "listitem",
    TABLE: () => "table", TH: () => "columnheader", TD: () => "cell", TR: () => "row",
    FORM: () => "form", MAIN: () => "main", HEADER: () => "banner", FOOTER: () => "contentinfo",
    ASIDE: () => "complementary", DIALOG: () => "dialog", P: () => "paragraph", LABEL: () => "label",
    SUMMARY: () => "button", SVG: () => "img", PROGRESS: () => "progressbar",
  };
  const INPUT_ROLE = {
    checkbox: "checkbox", radio: "radio", range: "slider", number: "spinbutton", search: "searchbox",
    button: "button", submit: "button", reset: "button", image: "button",
  };

  const clean = (s, n = 300) => (s || "").replace(/\s+/g, " ").trim().slice(0, n);
  const roleOf = (el) => {
    const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (el.tagName === "INPUT") return INPUT_ROLE[(el.type || "text").toLowerCase()] || "textbox";
    const f = IMPLICIT_ROLE[el.tagName.toUpperCase()];
    return f ? f(el) : "generic";
  };
  const isInteractive = (el) => {
    const t = el.tagName;
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
  const accessibleName = (el) => {
    const aria = el.getAttribute("aria-label");
    if (aria && aria.trim()) return clean(aria);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const t = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
        .map((n) => n.innerText).join(" ");
      if (t.trim()) return clean(t);
    }
    if (el.labels && el.labels.length) return clean(el.labels[0].innerText);
    for (const attr of ["alt", "title", "placeholder"]) {
      const v = el.getAttribute(attr);
      if (v && v.trim()) return clean(v);
    }
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)) return clean(el.value);
    if (el.tagName === "SVG" || el.tagName === "svg") {
      const t = el.querySelector("title");
      if (t) return clean(t.textContent);
    }
    return clean(el.innerText);
  };
  // A heading or paragraph is a block as wide as its column; what a person points at is its text.
  const textBox = (el, asBlock) => {
    const r = el.getBoundingClientRect();
    if (asBlock) return r;
    const range = document.createRange();
    range.selectNodeContents(el);
    const t = range.getBoundingClientRect();
    if (t.width < 1 || t.height < 1) return r;
    const left = Math.max(r.left, t.left), top = Math.max(r.top, t.top);
    const right = Math.min(r.right, t.right), bottom = Math.min(r.bottom, t.bottom);
    return right - left >= 1 && bottom - top >= 1 ? { left, top, right, bottom, width: right - left, height: bottom - top } : r;
  };
  const hitsSelf = (el, x, y) => {
    const hit = document.elementFromPoint(x, y);
    return !!hit && (hit === el || el.contains(hit));
  };
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && n.tagName !== "HTML"; n = n.parentElement) {
      let i = 1;
      for (let s = n.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === n.tagName) i++;
      parts.unshift(`${n.tagName.toLowerCase()}:nth-of-type(${i})`);
    }
    return parts.join(">");
  };

  const excluded = { hidden: 0, zero_size: 0, off_screen: 0, covered: 0, over_cap: 0 };
  const out = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toUpperCase();
    if (SKIP.has(tag)) continue;
    if (el.parentElement && el.parentElement.closest("svg")) continue;
    const interactive = isInteractive(el);
    if (!interactive && !hasOwnText(el) && !MEDIA.has(tag) && !el.hasAttribute("aria-label")) continue;
    const host = el.parentElement && el.parentElement.closest(
      "a[href],button,select,textarea,summary,[role=button],[role=link],[role=tab],[role=menuitem],[role=option],[role=switch],[role=checkbox],[role=radio]");
    if (host) continue;

    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) { excluded.hidden++; continue; }
    const r = textBox(el, interactive || MEDIA.has(tag));
    if (r.width < 1 || r.height < 1) { excluded.zero_size++; continue; }
    const x1 = Math.max(0, r.left), y1 = Math.max(0, r.top);
    const x2 = Math.min(W, r.right), y2 = Math.min(H, r.bottom);
    if (x2 - x1 < 1 || y2 - y1 < 1) { excluded.off_screen++; continue; }
    const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
    const centerHit = hitsSelf(el, cx, cy);
    const probes = [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]];
    if (!centerHit && !probes.some(([fx, fy]) => hitsSelf(el, x1 + fx * (x2 - x1), y1 + fy * (y2 - y1)))) {
      excluded.covered++; continue;
    }
    if (out.length >= maxElements) { excluded.over_cap++; continue; }

    const attr = (a) => el.getAttribute(a);
    out.push({
      tag: el.tagName.toLowerCase(), role: roleOf(el), dom_id: attr("id"),
      text: clean(el.innerText !== undefined ? el.innerText : el.textContent),
      name: accessibleName(el),
      aria_label: attr("aria-label"), alt: attr("alt"), title: attr("title"),
      placeholder: attr("placeholder"), href: attr("href"),
      input_type: tag === "INPUT" ? (el.type || "text").toLowerCase() : null,
      input_name: attr("name"),
      options: tag === "SELECT" ? Array.from(el.options).map((o) => clean(o.text, 80)) : null,
      interactive, center_hit: centerHit,
      x1: Math.round(x1 * 100) / 100, y1: Math.round(y1 * 100) / 100,
      x2: Math.round(x2 * 100) / 100, y2: Math.round(y2 * 100) / 100,
      css_path: cssPath(el),
    });
  }
  return { elements: out, excluded, title: document.title, width: W, height: H };
}
