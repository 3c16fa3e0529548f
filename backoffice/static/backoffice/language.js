// The admin's language selector submits its form on change (no inline handler: the Content-Security-Policy
// allows scripts from this site's files only).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("admin-language");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});
