// Shows and hides conditional questions as the supplier answers, with exactly the rules of
// hrdd/questionnaires/conditions.py (which the server applies again on every save: an
// answer to a hidden question is never stored). Without this script every question of the
// page is shown, each conditional one with a sentence saying when to answer it.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) return;
  document.documentElement.classList.add("js");
  var earlier = JSON.parse(form.getAttribute("data-answers") || "{}");

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
  function same(v, target) {
    if (typeof target === "number") {
      var n = Number(v);
      return String(v).trim() !== "" && !isNaN(n) && n === target;
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
    if (Array.isArray(v) || String(v).trim() === "") return false;
    var n = Number(v);
    if (isNaN(n)) return false;
    if ("gt" in c) return n > c.gt;
    if ("gte" in c) return n >= c.gte;
    if ("lt" in c) return n < c.lt;
    if ("lte" in c) return n <= c.lte;
    return false;
  }
  function pageAnswers(block) {
    var answers = {};
    block.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "revision" || el.disabled) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      var name = el.name, dot = name.indexOf(".");
      if (dot >= 0) {
        var q = name.slice(0, dot);
        answers[q] = answers[q] || {};
        answers[q][name.slice(dot + 1)] = el.value;
      } else if (el.type === "checkbox") {
        (answers[name] = answers[name] || []).push(el.value);
      } else if (el.value !== "") {
        answers[name] = el.value;
      }
    });
    return answers;
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
