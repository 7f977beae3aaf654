// @ts-check
// The analysis view's script (the only one the page's CSP runs, by nonce). It makes the report workable:
// table of contents, collapsible sections, sortable and filterable tables, "show all", reveal of exact rows
// with a fading highlight, the interactive chart (Vega with its CSP-safe interpreter: no eval), and the
// analysis progress. Messages follow extension/view/protocol.ts.

/** @typedef {import('../extension/view/protocol').ToView} ToView */
/** @typedef {import('../extension/view/protocol').FromView} FromView */
/** @typedef {import('../extension/view/protocol').RevealTarget} RevealTarget */

(function () {
  // @ts-expect-error acquireVsCodeApi is VS Code's global in webviews
  const vscode = acquireVsCodeApi();
  /** @param {FromView} message */
  const send = (message) => vscode.postMessage(message);

  /** @param {Element} element opens every collapsed section around it and shows its hidden row */
  function expose(element) {
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (parent instanceof HTMLDetailsElement) parent.open = true;
    }
    if (element instanceof HTMLElement && element.hidden) element.hidden = false;
  }

  /** @param {Element} element */
  function highlight(element) {
    for (const previous of document.querySelectorAll('.revealed')) previous.classList.remove('revealed');
    expose(element);
    element.classList.add('revealed');
    element.addEventListener('animationend', () => element.classList.remove('revealed'), { once: true });
    element.scrollIntoView({ block: 'center' });
  }

  /** @param {RevealTarget} target @returns {Element | null} */
  function find(target) {
    for (const key of target.keys ?? []) {
      const element = document.querySelector(`[data-keys~="${CSS.escape(key)}"]`);
      if (element) return element;
    }
    const section = target.section ? document.getElementById(`section-${target.section}`) : null;
    if (target.text) {
      const scope = section ?? document.body;
      const match = Array.from(scope.querySelectorAll('tr, li, h3')).find((element) =>
        element.textContent?.includes(/** @type {string} */ (target.text)),
      );
      if (match) return match;
    }
    return section;
  }

  /** @param {RevealTarget} target */
  function reveal(target) {
    const element = find(target);
    if (!element) return;
    if (element.matches('section.report-section')) {
      expose(element.querySelector('details') ?? element);
      const details = element.querySelector('details');
      if (details) details.open = true;
      element.scrollIntoView({ block: 'start' });
      return;
    }
    highlight(element);
  }

  // ---- clicks: commands, reveal links, TOC, sorting, show all, clipped cells
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const command = target.closest('[data-command]');
    if (command) {
      const type = command.getAttribute('data-command');
      if (type === 'reanalyze' || type === 'cancel' || type === 'exportMarkdown') send({ type });
      return;
    }
    const link = target.closest('a.reveal-link');
    if (link) {
      event.preventDefault();
      reveal(JSON.parse(link.getAttribute('data-target') ?? '{}'));
      return;
    }
    const toc = target.closest('nav.toc a');
    if (toc) {
      event.preventDefault();
      const section = document.getElementById((toc.getAttribute('href') ?? '#').slice(1));
      if (section) {
        const details = section.querySelector('details');
        if (details) details.open = true;
        section.scrollIntoView({ block: 'start' });
      }
      return;
    }
    const header = target.closest('th[data-column]');
    if (header) {
      sortBy(/** @type {HTMLTableCellElement} */ (header));
      return;
    }
    if (target.matches('button.show-all')) {
      const block = target.closest('.table-block');
      for (const row of block?.querySelectorAll('tr[data-overflow]') ?? [])
        /** @type {HTMLElement} */ (row).hidden = false;
      target.remove();
      return;
    }
    if (target.matches('button.show-rest')) {
      const rest = target.parentElement?.querySelector('.rest');
      if (rest instanceof HTMLElement) rest.hidden = false;
      target.remove();
      return;
    }
    const clipped = target.closest('td.clip');
    if (clipped) clipped.classList.toggle('unclipped');
    const clamped = target.closest('.finding-detail');
    if (clamped) clamped.classList.toggle('clamped');
  });

  /** @param {HTMLTableCellElement} header */
  function sortBy(header) {
    const table = header.closest('table');
    const body = table?.tBodies[0];
    if (!table || !body) return;
    const column = Number(header.getAttribute('data-column'));
    const descending = header.getAttribute('aria-sort') === 'ascending';
    for (const th of table.querySelectorAll('th')) th.removeAttribute('aria-sort');
    header.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    /** @param {HTMLTableRowElement} row */
    const value = (row) => {
      const cell = row.cells[column];
      const sort = cell?.getAttribute('data-sort');
      if (sort !== null && sort !== undefined && sort !== '' && !Number.isNaN(Number(sort))) return Number(sort);
      return sort ?? cell?.textContent ?? '';
    };
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    body.append(...rows);
  }

  // ---- filter boxes and the chart's brush: a row shows when it matches both
  /** @type {[number, number] | undefined} */
  let brushed;

  /** @param {Element} block */
  function applyFilters(block) {
    const input = block.querySelector('input.table-filter');
    const text = input instanceof HTMLInputElement ? input.value.trim().toLowerCase() : '';
    for (const row of block.querySelectorAll('tbody tr')) {
      const element = /** @type {HTMLElement} */ (row);
      const matchesText = !text || (element.textContent ?? '').toLowerCase().includes(text);
      const start = Number(element.getAttribute('data-start'));
      const end = Number(element.getAttribute('data-end'));
      const inBrush = !brushed || !element.hasAttribute('data-start') || (end >= brushed[0] && start <= brushed[1]);
      element.classList.toggle('filtered-out', !(matchesText && inBrush));
      if ((text || brushed) && element.hasAttribute('data-overflow')) element.hidden = false;
    }
  }

  document.addEventListener('input', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.matches('input.table-filter')) {
      const block = input.closest('.table-block');
      if (block) applyFilters(block);
    }
  });

  /** @param {[number, number] | undefined} range */
  function brushTables(range) {
    brushed = range;
    for (const block of document.querySelectorAll('.table-block')) applyFilters(block);
    const status = document.querySelector('.brush-status');
    if (status instanceof HTMLElement) {
      status.hidden = !range;
      status.textContent = range ? `tables filtered to ${range[0].toFixed(1)}–${range[1].toFixed(1)} s` : '';
    }
  }

  // ---- the chart: Vega's runtime with the expression interpreter, so the CSP needs no 'unsafe-eval'
  function drawChart() {
    const data = document.getElementById('chart-spec');
    const container = document.querySelector('.chart-canvas');
    /** @type {any} */
    const global = window;
    if (!data || !(container instanceof HTMLElement) || !global.vega || !global.vegaInterpreter) return;
    const spec = JSON.parse(data.textContent ?? '{}');
    const style = getComputedStyle(document.body);
    const colour = (/** @type {string} */ name, /** @type {string} */ fallback) =>
      style.getPropertyValue(name).trim() || fallback;
    const foreground = colour('--vscode-foreground', '#333');
    const border = colour('--vscode-panel-border', '#8884');
    const config = {
      background: null,
      axis: {
        labelColor: foreground,
        titleColor: foreground,
        domainColor: foreground,
        tickColor: foreground,
        gridColor: border,
      },
      legend: { labelColor: foreground, titleColor: foreground },
      title: { color: foreground },
      view: { stroke: border },
    };
    const width = Math.max(300, container.clientWidth - 200);
    spec.width = width;
    delete spec.background; // the theme's background shows through
    const runtime = global.vega.parse(spec, config, { ast: true });
    const view = new global.vega.View(runtime, {
      expr: global.vegaInterpreter,
      renderer: 'canvas',
      container,
      hover: true,
    });
    view.addSignalListener('brush', (/** @type {string} */ _name, /** @type {any} */ value) => {
      const range = value && Array.isArray(value.second) ? /** @type {[number, number]} */ (value.second) : undefined;
      brushTables(range);
    });
    void view.runAsync();
  }

  // ---- progress while analysing
  const started = Date.now();
  /** @param {number} packets @param {number | undefined} total @param {number} elapsedMs */
  function showProgress(packets, total, elapsedMs) {
    const bar = document.querySelector('progress.analysis-progress');
    const text = document.querySelector('.progress-text');
    if (bar instanceof HTMLProgressElement && total) {
      bar.max = total;
      bar.value = Math.min(packets, total);
    }
    if (text) {
      const seconds = Math.round(elapsedMs / 1000);
      text.textContent = `${packets.toLocaleString('en')}${total ? ` of ${total.toLocaleString('en')}` : ''} packets read`;
    }
  }
  if (document.querySelector('progress.analysis-progress')) {
    const timer = setInterval(() => {
      const elapsed = document.querySelector('.elapsed');
      if (elapsed) elapsed.textContent = `${Math.round((Date.now() - started) / 1000)} s`;
      else clearInterval(timer);
    }, 1000);
  }

  window.addEventListener('message', (event) => {
    /** @type {ToView} */
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'reveal':
        reveal(message.target);
        break;
      case 'progress':
        showProgress(message.packets, message.total, message.elapsedMs);
        break;
    }
  });

  drawChart();
  send({ type: 'ready' });
})();
