// The analysis view's only script: buttons send commands to the extension, and the extension asks the
// view to reveal an element (a section, or the first one holding some text) when a tree item is selected.
(function () {
  const vscode = acquireVsCodeApi();

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-command]') : null;
    if (button) vscode.postMessage({ command: button.getAttribute('data-command') });
  });

  function find(sectionId, text) {
    const section = sectionId ? document.getElementById(`section-${sectionId}`) : null;
    if (!text) return section;
    // Search from the section's heading to the next section's heading; fall back to the whole page.
    const candidates = Array.from(document.querySelectorAll('h2, h3, li, tr, figure'));
    const start = section ? candidates.indexOf(section) : 0;
    for (let i = Math.max(start, 0); i < candidates.length; i++) {
      const element = candidates[i];
      if (i > start && section && element.tagName === 'H2') break;
      if (element.textContent && element.textContent.includes(text)) return element;
    }
    return candidates.find((element) => element.textContent && element.textContent.includes(text)) || section;
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'reveal') return;
    const element = find(message.section, message.text);
    if (!element) return;
    for (const previous of document.querySelectorAll('.revealed')) previous.classList.remove('revealed');
    element.classList.add('revealed');
    element.scrollIntoView({ block: 'center' });
  });
  vscode.postMessage({ command: 'ready' });
})();
