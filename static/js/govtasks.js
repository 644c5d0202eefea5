// Behaviour that would otherwise be inline handlers: the Content-Security-Policy
// (govtasks/security.py) allows scripts only from static files.
"use strict";

// <select data-autosubmit> submits its form as soon as a value is chosen (the language switch).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
