// What the XSS sweeps look for in a page (security/xss-sweep, security/hostile-mime): run in the
// page with `page.evaluate(scanDom)`, so it is self-contained (no imports, no closure).

/** Runs in the page: everything suspicious in the document and every shadow root inside it. */
export function scanDom() {
  const findings = [];
  const roots = [document];
  let elements = 0;
  while (roots.length) {
    const root = roots.pop();
    for (const element of root.querySelectorAll('*')) {
      elements += 1;
      if (element.shadowRoot) roots.push(element.shadowRoot);
      // The page's own <head> (its favicon is `data:,`) is not user content.
      if (root === document && element.closest('head')) continue;
      for (const { name, value } of element.attributes) {
        if (name.startsWith('on')) findings.push(`${element.localName}[${name}="${value.slice(0, 60)}"]`);
        if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc'].includes(name)) {
          const url = value.replace(/[\s\p{Cc}]/gu, '').toLowerCase();
          if (
            url.startsWith('javascript:') ||
            url.startsWith('data:') ||
            url.startsWith('vbscript:') ||
            name === 'srcdoc'
          )
            findings.push(`${element.localName}[${name}="${value.slice(0, 60)}"]`);
        }
      }
      if (
        element.localName === 'script' &&
        (element.textContent.includes('__xss') || (element.src && !element.src.startsWith(location.origin)))
      )
        findings.push(`script: ${element.outerHTML.slice(0, 80)}`);
      if (
        ['iframe', 'object', 'embed', 'meta', 'base', 'form'].includes(element.localName) &&
        element.closest('confab-inbox, confab-widget, [data-user-content]') !== null
      )
        findings.push(`${element.localName} inside the app: ${element.outerHTML.slice(0, 80)}`);
    }
  }
  return { findings, elements, xss: window.__xss ?? null };
}
