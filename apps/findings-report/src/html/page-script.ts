// Progressive enhancement only: without it every finding is listed and every <details> opens.
export const PAGE_SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  var bodies = Array.prototype.slice.call(document.querySelectorAll('tbody.finding'));
  var noMatch = document.getElementById('no-match');
  var count = document.getElementById('filter-count');
  var fields = { status: form.elements.namedItem('status'), pkg: form.elements.namedItem('package'), severity: form.elements.namedItem('severity') };
  form.hidden = false;

  function apply() {
    var shown = 0;
    bodies.forEach(function (body) {
      var packages = (body.getAttribute('data-packages') || '').split(' ');
      var match = (!fields.status.value || body.getAttribute('data-status') === fields.status.value) &&
        (!fields.severity.value || body.getAttribute('data-severity') === fields.severity.value) &&
        (!fields.pkg.value || packages.indexOf(fields.pkg.value) !== -1);
      body.hidden = !match;
      if (match) shown += 1;
    });
    noMatch.hidden = shown !== 0;
    count.textContent = 'Showing ' + shown + ' of ' + bodies.length + ' findings';
  }

  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });

  var expand = document.getElementById('toggle-details');
  expand.addEventListener('click', function () {
    var open = expand.getAttribute('aria-pressed') !== 'true';
    document.querySelectorAll('#findings-table details').forEach(function (d) { d.open = open; });
    expand.setAttribute('aria-pressed', String(open));
    expand.textContent = open ? 'Collapse all evidence' : 'Expand all evidence';
  });

  document.querySelectorAll('[data-filter-status]').forEach(function (link) {
    link.addEventListener('click', function () {
      fields.status.value = link.getAttribute('data-filter-status');
      apply();
    });
  });

  function openHash() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    var details = target && target.classList.contains('finding') ? target.querySelector('details') : null;
    if (details) details.open = true;
  }
  window.addEventListener('hashchange', openHash);
  openHash();

  // A closed <details> prints only its summary: open them for printing, restore afterwards.
  var openedForPrint = [];
  window.addEventListener('beforeprint', function () {
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    openedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  apply();
})();
`;
