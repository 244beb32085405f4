async (ms) => {
  // Runs in a captured page after load and after each scroll (render.py): the paused clock that
  // Playwright installed in the frame (context.clock.install), and in the frames it can reach (same
  // origin), is run for ms, with the controller's own call, as page.clock.run_for does in every frame but
  // without what run_for adds (render.py says what). The result: the first error each clock's timers threw.
  const runs = [];
  const failed = (e) => (e && e.name ? `${e.name}: ${e.message}` : String(e));
  const visit = (win) => {
    let clock;
    try {
      clock = win.__pwClock;
    } catch (e) {
      return; // another origin's frame: render.py runs it with a call of its own
    }
    if (clock) runs.push(clock.controller.runFor(ms).then(() => null, failed));
    for (let i = 0; i < win.frames.length; i++) visit(win.frames[i]);
  };
  visit(window);
  return (await Promise.all(runs)).filter((error) => error !== null);
}
