/**
 * Every error the app shows is a `role="alert"` element. When one appears outside the viewport (a
 * form's message under the fold, a card's banner scrolled away), it is scrolled into view, so no
 * refusal goes unseen (issue 16, problem 8). Returns a function that stops watching.
 */
export function keepAlertsInView(root: HTMLElement): () => void {
  const show = (el: Element) => {
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) el.scrollIntoView({ block: 'center' });
  };
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      for (const node of m.addedNodes) {
        if (!(node instanceof Element)) continue;
        const alert = node.matches('[role="alert"]') ? node : node.querySelector('[role="alert"]');
        if (alert) return show(alert);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
