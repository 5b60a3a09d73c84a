/* THADS inputs: money boxes (input[data-money]) show thousands separators (dots) while typing.
 *
 * Progressive enhancement: the server reads 1000000, 1.000.000 and 1 000 000 alike (thads.core.money.parse_money),
 * so nothing happens on submit and the form works without this script. The script only regroups text made of
 * digits and separators; anything else (a comma, letters, a minus sign) is left exactly as typed so that the
 * server can explain what is wrong. It never turns what a person typed into another number behind their back:
 * a dot the person typed themselves in a place that is not a thousands position ("1.5") is left alone too.
 * Load with <script src="{% static 'js/inputs.js' %}" defer></script>.
 */
(function () {
  "use strict";

  var SEPARATORS = /[.\u0020\u00a0\u202f]/g;
  var SEPARATOR = /^[.\u0020\u00a0\u202f]+$/;
  var DIGITS_AND_SEPARATORS = /^[0-9.\u0020\u00a0\u202f]*$/;

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // Whether the separators in ``text`` can be ours (every group after the first has at least three digits:
  // three when in place, four just after a digit was typed into it), rather than a decimal point the person typed.
  function separatorsAreOurs(text) {
    var groups = text.split(/[.\u0020\u00a0\u202f]/);
    for (var i = 1; i < groups.length; i++) {
      if (groups[i].length < 3) return false;
    }
    return true;
  }

  function digitsBefore(text, position) {
    return text.slice(0, position).replace(/[^0-9]/g, "").length;
  }

  function positionAfterDigits(text, count) {
    if (count === 0) return 0;
    var seen = 0;
    for (var i = 0; i < text.length; i++) {
      if (/[0-9]/.test(text[i])) {
        seen += 1;
        if (seen === count) return i + 1;
      }
    }
    return text.length;
  }

  function reformat(input, event) {
    var text = input.value;
    if (!DIGITS_AND_SEPARATORS.test(text)) return;  // the server explains what is wrong
    var kind = (event && event.inputType) || "";
    if (kind === "insertText" && event.data && SEPARATOR.test(event.data)) {
      return;  // the person typed a separator: leave it where they put it
    }
    var deleting = kind.indexOf("delete") === 0;
    if (!deleting && !separatorsAreOurs(text)) return;
    var digits = text.replace(SEPARATORS, "");
    var grouped = group(digits);
    if (grouped === text) return;
    var caret = input.selectionStart === null ? text.length : input.selectionStart;
    var before = digitsBefore(text, caret);
    input.value = grouped;
    if (document.activeElement === input) {
      var position = positionAfterDigits(grouped, before);
      input.setSelectionRange(position, position);
    }
  }

  function enhance(input) {
    if (input.dataset.moneyReady) return;
    input.dataset.moneyReady = "1";
    input.addEventListener("input", function (event) { reformat(input, event); });
    reformat(input, null);
  }

  function enhanceAll(root) {
    var inputs = (root || document).querySelectorAll("input[data-money]");
    for (var i = 0; i < inputs.length; i++) enhance(inputs[i]);
  }

  // Inputs added later (admin inlines, htmx swaps) are enhanced when they are first focused.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[data-money]")) enhance(target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  window.thadsInputs = {enhance: enhanceAll, group: group};
})();
