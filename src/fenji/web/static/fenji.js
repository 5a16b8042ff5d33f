// fenji: small enhancements only; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Warn before uploading a file the server would refuse for its size.
  for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) {
    input.addEventListener("change", () => {
      const max = Number(input.dataset.maxBytes);
      const file = input.files && input.files[0];
      input.setCustomValidity(file && file.size > max ? `at most ${Math.floor(max / 1024)} KiB` : "");
      input.reportValidity();
    });
  }
  // In the questionnaire, "I don't know" and "Back" need no answer ticked.
  for (const button of document.querySelectorAll("button[formnovalidate]")) {
    button.addEventListener("click", () => {
      for (const field of button.form.querySelectorAll("[required]")) field.required = false;
    });
  }
  // Submit-once: a second click while a form is being sent does nothing.
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
      setTimeout(() => { form.dataset.sent = ""; }, 4000);
    });
  }
});
