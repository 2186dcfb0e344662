/* global document, window */
/*
 * The HTML report's only script. src/report/html.ts inlines it and allows it in the page's
 * Content-Security-Policy by its SHA-256 hash. It reads the page it is in and carries no data of its
 * own, so nothing from a report ever reaches a script context and the hash is the same for every
 * report. Without it the page is complete: every rendered finding is in the document, passes and
 * rule texts sit in <details> the reader opens, and the filter bar stays hidden.
 */
(function () {
  'use strict';
  const all = (selector, root) => Array.prototype.slice.call((root || document).querySelectorAll(selector));
  let resetFilters = null;

  // A permalink into a closed <details> (a pass, a rule's explanation) opens it, and one into a
  // finding the filter hides clears the filter first, so every link lands on something visible.
  function reveal() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (!target) return;
    if (target.closest('[hidden]') && resetFilters) resetFilters();
    for (let node = target; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') node.open = true;
    }
    if (target.tagName === 'DETAILS') target.open = true;
    target.scrollIntoView({ block: 'start' });
  }

  const form = document.getElementById('filters');
  if (form) {
    const findings = all('article.finding');
    const texts = findings.map((el) => (el.textContent || '').toLowerCase());
    const rules = all('.rule');
    const passes = all('details.passes');
    const areas = all('section.area');
    const boxes = all('input[name=status]', form);
    const newOnly = form.querySelector('input[name=new-only]');
    const area = document.getElementById('area-filter');
    const query = document.getElementById('q');
    const shown = document.getElementById('shown');
    const noMatch = document.getElementById('no-match');

    const apply = () => {
      const statuses = {};
      boxes.forEach((box) => {
        statuses[box.value] = box.checked;
      });
      const terms = query.value.toLowerCase().split(/\s+/).filter(Boolean);
      let count = 0;
      findings.forEach((el, index) => {
        const visible =
          statuses[el.getAttribute('data-status')] === true &&
          (area.value === '' || el.getAttribute('data-area') === area.value) &&
          (!newOnly || !newOnly.checked || el.getAttribute('data-baseline') === 'new') &&
          terms.every((term) => texts[index].indexOf(term) !== -1);
        el.hidden = !visible;
        if (visible) count++;
      });
      passes.forEach((details) => {
        const any = details.querySelector('article.finding:not([hidden])') !== null;
        details.hidden = !any;
        // A search that matches a pass shows it; the reader does not have to open every rule.
        if (any && terms.length > 0) details.open = true;
      });
      rules.forEach((rule) => {
        rule.hidden = rule.querySelector('article.finding:not([hidden])') === null;
      });
      areas.forEach((section) => {
        section.hidden = section.querySelector('article.finding:not([hidden])') === null;
      });
      shown.textContent = `${count} of ${findings.length} findings shown`;
      noMatch.hidden = count !== 0;
    };
    resetFilters = () => {
      boxes.forEach((box) => {
        box.checked = true;
      });
      if (newOnly) newOnly.checked = false;
      area.value = '';
      query.value = '';
      apply();
    };
    form.addEventListener('input', apply);
    form.addEventListener('change', apply);
    form.addEventListener('submit', (event) => event.preventDefault());
    form.hidden = false;
    apply();
  }

  window.addEventListener('hashchange', reveal);
  reveal();

  // Paper has no <details> to open: print everything, then put the page back as it was.
  let opened = [];
  window.addEventListener('beforeprint', () => {
    opened = all('details:not([open])');
    opened.forEach((el) => {
      el.open = true;
    });
  });
  window.addEventListener('afterprint', () => {
    opened.forEach((el) => {
      el.open = false;
    });
    opened = [];
  });
})();
