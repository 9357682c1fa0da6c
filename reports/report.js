// Exposure report: optional enhancements only. The page is complete without this script.
// Rules: read data with JSON.parse(textContent); write only through textContent,
// setAttribute and classList; never innerHTML (archive strings are in the page).
(function () {
  'use strict';
  var root = document.documentElement;
  var data;
  try {
    data = JSON.parse(document.getElementById('exposure-data').textContent);
  } catch (e) {
    root.setAttribute('data-script-error', 'data');
    return;
  }
  root.setAttribute('data-schema', String(data.schema || ''));

  // Sortable tables: click a column header to sort by it; click again to reverse.
  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ''; }
    var sortValue = cell.getAttribute('data-sort');
    var text = sortValue !== null ? sortValue : cell.textContent.trim();
    var number = Number(text.replace(/,/g, ''));
    return text !== '' && !isNaN(number) ? number : text.toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    Array.prototype.forEach.call(table.querySelectorAll('thead th'), function (header, index) {
      header.setAttribute('tabindex', '0');
      header.setAttribute('aria-sort', 'none');
      header.classList.add('sort-header');
      function sort() {
        var descending = header.getAttribute('aria-sort') !== 'descending';
        Array.prototype.forEach.call(table.querySelectorAll('thead th'), function (h) { h.setAttribute('aria-sort', 'none'); });
        header.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellKey(a, index), y = cellKey(b, index);
          var order = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      header.addEventListener('click', sort);
      header.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); }
      });
    });
  });

  // Face blur toggle, for showing the report on a screen next to other people.
  var toggle = document.getElementById('toggle-faces');
  if (toggle && document.querySelector('img.face')) {
    toggle.hidden = false;
    toggle.addEventListener('click', function () {
      var hidden = document.body.classList.toggle('faces-blurred');
      toggle.textContent = hidden ? 'Show faces' : 'Blur faces';
      toggle.setAttribute('aria-pressed', hidden ? 'true' : 'false');
    });
  }

  root.setAttribute('data-enhanced', '1');
})();
