// The case list's business filter (backoffice.admin.filters.BusinessAutocompleteFilter): choosing a business in
// the autocomplete reloads the list filtered by it; clearing it removes the filter.
window.addEventListener("load", function () {
  var $ = window.django && window.django.jQuery;
  if (!$) { return; }
  $(".autocomplete-filter select").on("change", function () {
    var name = $(this).closest(".autocomplete-filter").data("parameter");
    var params = new URLSearchParams(window.location.search);
    params.delete("p");
    if (this.value) { params.set(name, this.value); } else { params.delete(name); }
    window.location.search = params.toString();
  });
});
