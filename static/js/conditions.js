// Shows and hides conditional questions, and marks conditionally required ones, as the
// supplier answers, with exactly the rules of hrdd/questionnaires/conditions.py (which the
// server applies again on every save: an answer to a hidden question is never stored, a
// required one is checked). Without this script every question of the page is shown, each
// conditional one with a sentence saying when to answer it, and "required if" is decided by
// the server from the answers saved so far.
// hrdd/questionnaires/tests/test_conditions_js.py runs one table of cases through both.
(function () {
  "use strict";

  function isEmpty(v) {
    if (v === undefined || v === null || v === "") return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === "object") return Object.keys(v).length === 0;
    return false;
  }
  function valueOf(answers, ref) {
    var dot = ref.indexOf(".");
    if (dot >= 0) {
      var grid = answers[ref.slice(0, dot)];
      return grid && typeof grid === "object" && !Array.isArray(grid) ? grid[ref.slice(dot + 1)] : undefined;
    }
    return answers[ref];
  }
  // A Unicode decimal digit (Japanese full-width, Thai, Burmese, Devanagari, ...) as the
  // ASCII digit Python reads it as. Unicode encodes every such digit in a run of ten, 0 to 9.
  var DIGIT = /\p{Nd}/u;
  function asciiDigit(ch) {
    var cp = ch.codePointAt(0), n = 0;
    while (DIGIT.test(String.fromCodePoint(cp - n - 1))) n++;
    return String(n % 10);
  }
  // A number read as the server reads one (Python's Decimal, as Django's DecimalField does):
  // white space around it, "_" anywhere and any script's digits are accepted; "Infinity",
  // "NaN", "0x10" or "1,5" are not numbers. Kept exact, as {neg, digits, exp} meaning
  // digits x 10^exp, so that 0.1 + 0.2 style rounding never decides a condition.
  var DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d+))?$/i;
  function decimal(value) {
    if (typeof value === "number") value = String(value);
    if (typeof value !== "string") return null;
    var text = value.replace(/_/g, "").replace(/\p{Nd}/gu, function (ch) {
      return ch <= "9" && ch >= "0" ? ch : asciiDigit(ch);
    }).trim();
    var m = DECIMAL.exec(text);
    if (!m) return null;
    var fraction = m[3] || m[4] || "";
    var all = ((m[2] || "") + fraction).replace(/^0+/, ""), digits = all.replace(/0+$/, "");
    return {
      neg: m[1] === "-" && digits !== "",
      digits: digits,
      exp: parseInt(m[5] || "0", 10) - fraction.length + (all.length - digits.length),
    };
  }
  function compare(a, b) {  // -1, 0 or 1, exactly
    if (a.neg !== b.neg) return a.neg ? -1 : 1;
    var sign = a.neg ? -1 : 1;
    if (!a.digits || !b.digits) return a.digits === b.digits ? 0 : (a.digits ? sign : -sign);
    var ma = a.digits.length + a.exp, mb = b.digits.length + b.exp;  // orders of magnitude
    if (ma !== mb) return ma > mb ? sign : -sign;
    var width = Math.max(a.digits.length, b.digits.length);
    var da = a.digits.padEnd(width, "0"), db = b.digits.padEnd(width, "0");
    return da === db ? 0 : (da > db ? sign : -sign);
  }
  function same(v, target) {
    if (typeof target === "number") {
      var n = decimal(v);
      return n !== null && compare(n, decimal(target)) === 0;
    }
    return String(v) === String(target);
  }
  function evaluate(c, a) {
    if (!c) return true;
    if (c.all) return c.all.every(function (x) { return evaluate(x, a); });
    if (c.any) return c.any.some(function (x) { return evaluate(x, a); });
    if ("not" in c) return !evaluate(c.not, a);
    var v = valueOf(a, c.question);
    if ("answered" in c) return !isEmpty(v) === Boolean(c.answered);
    if (isEmpty(v)) return false;
    var vs = Array.isArray(v) ? v : [v];
    if ("includes" in c) return vs.indexOf(c.includes) >= 0;
    if ("equals" in c) return vs.some(function (x) { return same(x, c.equals); });
    if ("in" in c) return vs.some(function (x) { return c.in.some(function (t) { return same(x, t); }); });
    var n = Array.isArray(v) ? null : decimal(v);
    if (n === null) return false;
    if ("gt" in c) return compare(n, decimal(c.gt)) > 0;
    if ("gte" in c) return compare(n, decimal(c.gte)) >= 0;
    if ("lt" in c) return compare(n, decimal(c.lt)) < 0;
    if ("lte" in c) return compare(n, decimal(c.lte)) <= 0;
    return false;
  }
  window.hrddConditions = { evaluate: evaluate };

  var form = document.querySelector("form.questionnaire");
  if (!form) return;
  document.documentElement.classList.add("js");
  var earlier = JSON.parse(form.getAttribute("data-answers") || "{}");

  function pageAnswers(block) {
    var answers = {};
    block.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.type === "hidden" || el.disabled) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      var name = el.name, dot = name.indexOf("."), colon = name.indexOf(":");
      // The server strips typed text: only spaces is no answer.
      var value = el.type === "radio" || el.type === "checkbox" ? el.value : el.value.trim();
      if (colon >= 0) {
        // "q04:special": a ticked "don't know" is the question's answer, as on the server
        // (it comes after the question's own field, so it wins as it does there).
        answers[name.slice(0, colon)] = value;
      } else if (dot >= 0) {
        var q = name.slice(0, dot);
        answers[q] = answers[q] || {};
        answers[q][name.slice(dot + 1)] = value;
      } else if (el.type === "checkbox") {
        (answers[name] = answers[name] || []).push(value);
      } else if (value !== "") {
        answers[name] = value;
      }
    });
    return answers;
  }
  // "Required if": the asterisk, its spoken "(required)" and the inputs' required state
  // (checkboxes excepted: on a checkbox "required" would mean that box must be ticked).
  function markRequired(block, required) {
    block.querySelectorAll(".req, .req-label").forEach(function (mark) { mark.hidden = !required; });
    block.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type !== "checkbox" && el.type !== "hidden") el.required = required;
    });
  }
  function update() {
    var answers = Object.assign({}, earlier);
    form.querySelectorAll("[data-question]").forEach(function (block) {
      var code = block.getAttribute("data-question");
      delete answers[code];
      var rule = block.getAttribute("data-show-if");
      var shown = !rule || evaluate(JSON.parse(rule), answers);
      block.hidden = !shown;
      block.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !shown; });
      var requiredIf = block.getAttribute("data-required-if");
      if (shown && requiredIf) markRequired(block, evaluate(JSON.parse(requiredIf), answers));
      if (shown) Object.assign(answers, pageAnswers(block));
    });
  }
  // "None of these" and "Don't know" exclude the other boxes of the same question.
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type === "checkbox" && box.checked) {
      var group = form.querySelectorAll('input[type=checkbox][name="' + box.name + '"]');
      group.forEach(function (other) {
        if (other !== box && (box.dataset.exclusive || other.dataset.exclusive)) other.checked = false;
      });
    }
    update();
  });
  form.addEventListener("input", update);
  update();
})();
