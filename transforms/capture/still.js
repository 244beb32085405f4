(prepare) => {
  // Runs in a frame around each screenshot, which render.py takes straight from the browser
  // (Page.captureScreenshot): the frame is held still for it as Playwright's screenshot with
  // animations="disabled" and caret="hide" held it, so the pixels stay byte for byte what they were.
  // Called with true just before the screenshot: every text caret in the frame, shadow trees
  // included, is made transparent; animations that end are run to their end, endless ones are put
  // back to their start (and so are the ones that begin while the screenshot is taken). Called with
  // false (at the frame's next reading): the carets get their colour back and the endless
  // animations play again.
  const key = Symbol.for("groundmill.still");
  const undo = window[key];
  if (undo) {
    delete window[key];
    undo();
  }
  if (!prepare) return;
  // The frame's document, its shadow trees, and the documents of the frames inside it that it can reach
  // (same origin: about:blank, srcdoc, its own site's pages; render.py reaches the others).
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    const owner = roots[i].ownerDocument || roots[i];
    const walker = owner.createTreeWalker(roots[i], NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.shadowRoot) roots.push(node.shadowRoot);
      if (node.localName === "iframe" || node.localName === "frame") {
        let inner = null;
        try {
          inner = node.contentDocument;
        } catch (e) {
          // another origin's frame
        }
        if (inner && inner.documentElement) roots.push(inner);
      }
    }
  }
  const carets = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll("input,textarea,[contenteditable]")) {
      carets.push([el, el.style.getPropertyValue("caret-color"), el.style.getPropertyPriority("caret-color")]);
      el.style.setProperty("caret-color", "transparent", "important");
    }
  }
  const stopped = new Set();
  const still = (root) => {
    for (const animation of root.getAnimations()) {
      if (!animation.effect || animation.playbackRate === 0 || stopped.has(animation)) continue;
      try {
        if (Number.isFinite(animation.effect.getComputedTiming().endTime)) {
          animation.finish();
        } else {
          animation.cancel();
          stopped.add(animation);
        }
      } catch (e) {
        // an animation that cannot finish (a playback rate of 0 reached meanwhile) is left as it is
      }
    }
  };
  const listeners = roots.map((root) => {
    const listener = () => still(root);
    still(root);
    root.addEventListener("transitionrun", listener);
    root.addEventListener("animationstart", listener);
    return [root, listener];
  });
  window[key] = () => {
    for (const [el, value, priority] of carets) el.style.setProperty("caret-color", value, priority);
    for (const [root, listener] of listeners) {
      root.removeEventListener("transitionrun", listener);
      root.removeEventListener("animationstart", listener);
    }
    for (const animation of stopped) {
      try {
        animation.play();
      } catch (e) {
        // gone with its element
      }
    }
  };
}
