// Checkout: the payment form. With Braintree, Drop-in (static/vendor/dropin.js) draws the card fields and
// gives a nonce, which goes into the form before it posts; in test mode the form posts as it is. Either
// way the Place order button is disabled once the form is sent, so a double click sends it once (the
// server makes one order and one charge for a form even if it arrives twice).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function say(text) {
    var status = document.getElementById("dropin-status");
    if (status) { status.textContent = text; }
  }

  function startDropin(form, button, container) {
    var nonceField = document.getElementById("payment-method-nonce");
    if (!window.braintree || !window.braintree.dropin) {
      say("The card form could not be loaded. Please reload the page.");
      return;
    }
    window.braintree.dropin.create({
      authorization: container.getAttribute("data-client-token"),
      container: container
    }, function (error, dropin) {
      if (error) {
        say("The card form could not be loaded. Please reload the page.");
        return;
      }
      button.disabled = false;
      var busy = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (busy) { return; }
        busy = true;
        button.disabled = true;
        say("Checking the card…");
        dropin.requestPaymentMethod(function (problem, payload) {
          if (problem) {
            busy = false;
            button.disabled = false;
            say("Please check the card details.");
            return;
          }
          nonceField.value = payload.nonce;
          say("Placing your order…");
          form.submit();  // submit() sends the form without firing this handler again
        });
      });
    });
  }

  ready(function () {
    var form = document.getElementById("place-order-form");
    var button = document.getElementById("place-order");
    if (!form || !button) { return; }
    var container = document.getElementById("dropin-container");
    if (container) {
      startDropin(form, button, container);
      return;
    }
    form.addEventListener("submit", function () {
      // After the browser has taken the form: disabling now would not stop this submission.
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
