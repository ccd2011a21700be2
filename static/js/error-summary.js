// The GOV.UK error summary: focused when the page loads (autofocus does it without this
// script too), and each of its links moves focus to the field it names, scrolled so that the
// field's label or legend shows above it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var group = target.closest("fieldset, .form-group");
    var heading = group && group.querySelector("legend, label");
    (heading || target).scrollIntoView();
    target.focus({ preventScroll: true });
  });
});
