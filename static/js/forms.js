// Behaviour that templates ask for with data attributes (the Content-Security-Policy allows no inline
// script or on…= handlers): data-autosubmit submits its form on change; data-confirm asks first.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
}, true);
