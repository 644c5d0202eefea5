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

// <datalist data-names="URL"> is filled with the unit names the URL returns ({"names": [...]}) the
// first time a box that uses it gets the focus: the names are not written into every page.
document.addEventListener("focusin", function (event) {
  var list = event.target instanceof HTMLInputElement ? event.target.list : null;
  if (!list || !list.hasAttribute("data-names") || list.hasAttribute("data-loaded")) {
    return;
  }
  list.setAttribute("data-loaded", "");
  fetch(list.getAttribute("data-names"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : { names: [] };
    })
    .then(function (data) {
      var options = document.createDocumentFragment();
      data.names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        options.appendChild(option);
      });
      list.appendChild(options);
    })
    .catch(function () {
      list.removeAttribute("data-loaded"); // try again on the next focus
    });
});

// On a phone the list's filters start folded (their summary shows 筛选条件), unless the form
// reports an error: the rows, not the form, fill the first screen.
(function () {
  if (!window.matchMedia("(max-width: 576px)").matches) {
    return;
  }
  document.querySelectorAll("details.filter-details").forEach(function (details) {
    if (!document.querySelector(".filter-errors")) {
      details.open = false;
    }
  });
})();
