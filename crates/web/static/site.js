// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // A form that came back with errors: move focus to the summary so it is read out first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
