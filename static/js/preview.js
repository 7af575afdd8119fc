// The questionnaire preview: its buttons look and move like the supplier's, but submit
// nothing (kept out of the page itself: the Content-Security-Policy allows no inline script).
document.addEventListener("submit", function (event) {
  if (event.target.hasAttribute("data-preview")) {
    event.preventDefault();
  }
});
