// The case page's audit trail is read when its section is opened (it reads every history table of the case):
// the page itself stays fast; the 历史记录 page shows the same trail as a page of its own.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-audit-trail-url]").forEach(function (holder) {
    var section = holder.closest("details");
    var loaded = false;
    function load() {
      if (loaded) { return; }
      loaded = true;
      fetch(holder.dataset.auditTrailUrl, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.text();
        })
        .then(function (html) { holder.innerHTML = html; })
        .catch(function () {
          loaded = false;
          holder.querySelector(".audit-trail-status").textContent = holder.dataset.auditTrailError;
        });
    }
    if (!section || section.open) { load(); return; }
    section.addEventListener("toggle", function () { if (section.open) { load(); } });
  });
});
