// @ts-check
// The analysis view's script (the only one the page's CSP runs, by nonce). It makes the report workable:
// table of contents, collapsible sections, sortable and filterable tables, "show all", reveal of exact rows
// with a fading highlight, frames and filters that act, the interactive chart (Vega with its CSP-safe
// interpreter: no eval; redrawn for the theme and the width), and the analysis progress. Messages follow
// extension/view/protocol.ts.

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

  /** @param {Element} frame the outline ids of the entry a frame is cited in: the tree entry its reveal lands on */
  function entryKeys(frame) {
    return (frame.closest('[data-keys]')?.getAttribute('data-keys') ?? '').split(' ').filter(Boolean);
  }

  // A right-click on a frame: VS Code reads data-vscode-context as its menu opens (its listener, on the window,
  // runs after this capturing one), so the frame's context gets its entry's ids too, as a click sends them.
  document.addEventListener(
    'contextmenu',
    (event) => {
      const frame = event.target instanceof Element ? event.target.closest('button.frame[data-vscode-context]') : null;
      if (!frame) return;
      const context = JSON.parse(frame.getAttribute('data-vscode-context') ?? '{}');
      frame.setAttribute('data-vscode-context', JSON.stringify({ ...context, keys: entryKeys(frame) }));
    },
    true,
  );

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
    // Buttons, not href="#" links: the workbench scrolls a webview to its top on a click on one of those.
    const link = target.closest('.reveal-link');
    if (link) {
      reveal(JSON.parse(link.getAttribute('data-target') ?? '{}'));
      return;
    }
    const frame = target.closest('button.frame');
    if (frame) {
      send({ type: 'revealFrame', frame: Number(frame.getAttribute('data-frame')), keys: entryKeys(frame) });
      return;
    }
    const filter = target.closest('code.filter');
    if (filter) {
      send({ type: 'copyFilter', filter: filter.textContent ?? '' });
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

  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (event.key === 'Enter' && target instanceof HTMLElement && target.matches('code.filter'))
      send({ type: 'copyFilter', filter: target.textContent ?? '' });
  });

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
    for (const section of document.querySelectorAll('section.report-section')) countBrushed(section);
  }

  /**
   * A section's count while the brush is on: how many of its timed rows are in the range, beside its heading
   * and its table-of-contents entry (the full counts stay for what the brush does not filter).
   * @param {Element} section
   */
  function countBrushed(section) {
    const rows = section.querySelectorAll('tr[data-start]');
    const shown = Array.from(rows).filter((row) => !row.classList.contains('filtered-out')).length;
    const text = brushed && rows.length ? `${shown} of ${rows.length} rows in range` : '';
    for (const place of [section.querySelector('h2'), document.querySelector(`nav.toc a[href="#${section.id}"]`)]) {
      if (!place) continue;
      let count = place.querySelector('.brush-count');
      if (!count) {
        count = document.createElement('span');
        count.className = 'count brush-count';
        place.append(count);
      }
      count.textContent = text ? ` · ${text}` : '';
    }
  }

  // ---- the chart: Vega's runtime with the expression interpreter, so the CSP needs no 'unsafe-eval'.
  // Drawn for the theme's colours and the container's width, and drawn again when either changes (a bitmap
  // scaled to a narrower editor would blur, and a theme change would leave the old text colours).
  /** @type {any} */
  let chart;
  let chartWidth = 0;

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
    chartWidth = container.clientWidth;
    spec.width = Math.max(CHART_MIN_WIDTH, chartWidth - CHART_LEGEND_WIDTH);
    delete spec.background; // the theme's background shows through
    chart?.finalize();
    container.replaceChildren();
    const runtime = global.vega.parse(spec, config, { ast: true });
    chart = new global.vega.View(runtime, {
      expr: global.vegaInterpreter,
      renderer: 'canvas',
      container,
      hover: true,
    });
    chart.addSignalListener('brush', (/** @type {string} */ _name, /** @type {any} */ value) => {
      const range = value && Array.isArray(value.second) ? /** @type {[number, number]} */ (value.second) : undefined;
      brushTables(range);
    });
    brushTables(undefined); // a new drawing has no brush
    void chart.runAsync();
  }

  /** Room the legend takes beside the plot, and the narrowest plot drawn (the figure scrolls below that). */
  const CHART_LEGEND_WIDTH = 200;
  const CHART_MIN_WIDTH = 300;

  /** Redraws once per frame at most, whatever asked for it. */
  let redrawQueued = false;
  function redrawChart() {
    if (redrawQueued || !chart) return;
    redrawQueued = true;
    requestAnimationFrame(() => {
      redrawQueued = false;
      drawChart();
    });
  }

  // VS Code applies a theme to a webview by changing the root's style (its --vscode-* variables) and the
  // body's class (vscode-light, vscode-dark, vscode-high-contrast).
  const themeWatch = new MutationObserver(redrawChart);
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  const chartContainer = document.querySelector('.chart-canvas');
  if (chartContainer instanceof HTMLElement)
    new ResizeObserver(() => {
      if (chartContainer.clientWidth !== chartWidth) redrawChart();
    }).observe(chartContainer);

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
  // Announced once loaded, after the webview host's own load handler has shown this page: the extension sets
  // the next page only then (extension/capture-editor.ts says why).
  const announce = () =>
    setTimeout(() =>
      send({ type: 'ready', page: Number(document.querySelector('.analysis')?.getAttribute('data-page')) }),
    );
  if (document.readyState === 'complete') announce();
  else window.addEventListener('load', announce, { once: true });
})();
