async ([maxElements, freeze, overlayCover]) => {
  // Runs inside the page, once per slice: extract_elements.js (render.py puts it in below), and
  // the document's HTML as page.content() serialises it (doctype, then the root's outerHTML), in one
  // round trip; the result crosses to Python as one JSON string. `freeze` (the first slice's only) is a
  // style sheet added once the fonts are ready, before anything is looked at, as page.add_style_tag would;
  // then the overlays that block the whole page are taken away (remove_overlays.js, put in below).
  // (These lines are inside the function: Playwright takes a script for a function only if it starts so.)
  if (freeze !== null) {
    await document.fonts.ready;
    const style = document.createElement("style");
    style.type = "text/css";
    style.appendChild(document.createTextNode(freeze));
    (document.head || document.documentElement).appendChild(style);
    // A field focused while the page loaded (autofocus) was scrolled into view at the first frame
    // that found it, wherever the layout was by then: from run to run, bug-1255978.html of the
    // readability corpus stopped at four places. Scrolled again on the final layout, it stops at one.
    const focused = document.activeElement;
    const field = focused && focused !== document.body && focused !== document.documentElement;
    if (field && focused.scrollIntoViewIfNeeded) {
      window.scrollTo({ top: 0, left: 0, behavior: "instant" });
      focused.scrollIntoViewIfNeeded(true);
    }
  }
  const overlays = freeze !== null ? (REMOVE_OVERLAYS)(overlayCover) : [];
  const found = (EXTRACT_ELEMENTS)(maxElements);
  found.overlays = overlays;
  // page.content() used to come after the screenshot, whose caret hiding sets and restores the caret
  // colour of every input, textarea and contenteditable element (leaving `style=""` where there was
  // none): the same is done here, so the HTML, and the capture ids of live pages made from it, stay
  // byte for byte what they were.
  for (const el of document.querySelectorAll("input,textarea,[contenteditable]")) {
    const value = el.style.getPropertyValue("caret-color");
    const priority = el.style.getPropertyPriority("caret-color");
    el.style.setProperty("caret-color", "transparent", "important");
    el.style.setProperty("caret-color", value, priority);
  }
  const root = document.documentElement;
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "";
  found.html = doctype + (root ? root.outerHTML : "");
  // Held still for the screenshot that follows (still.js, put in below; scrolling to the next slice
  // lets it go), then the fonts its text needs, as Playwright's screenshot waited for them.
  (STILL)(true);
  await document.fonts.ready;
  return JSON.stringify(found, (k, v) => (v === undefined ? null : v));
}
