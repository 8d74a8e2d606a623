// The test runner opens several pages at once and only one is visible: a hidden page gets no
// animation frames, and the store notifies once per frame. Let frames also come from a timer here
// (test pages only), as they would in a visible tab.
if (!(window as { __confabFrames?: boolean }).__confabFrames) {
  (window as { __confabFrames?: boolean }).__confabFrames = true;
  const nativeFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback: FrameRequestCallback): number => {
    let called = false;
    const once = (time: number) => {
      if (called) return;
      called = true;
      callback(time);
    };
    setTimeout(() => once(performance.now()), 16);
    return nativeFrame(once);
  };
}

export {};
