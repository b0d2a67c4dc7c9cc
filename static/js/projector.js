// The projector shows everything or says what it leaves out.
// Lists that may be longer than the screen carry `data-fit-list` (their
// children are the items, most important first: newest idea, best result);
// after every live swap and on resize this hides the items that do not fit
// (class fit-hidden) and fills their "more" line, `.more-line[data-more-for=id]`,
// with how many are left out: those the server left out (data-omitted) plus
// those hidden here. The line's words come from the server in both plural
// forms (data-one, data-many); this only picks one and writes the number.
(function () {
  "use strict";
  const HIDDEN = "fit-hidden";

  function moreLine(list) {
    return list.id ? document.querySelector('.more-line[data-more-for="' + list.id + '"]') : null;
  }

  function bottomOf(element) {
    return element.getBoundingClientRect().bottom;
  }

  // Where the stage's content must end: its bottom edge less its padding.
  function limit() {
    const stage = document.getElementById("stage");
    const style = getComputedStyle(stage);
    return stage.getBoundingClientRect().bottom - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth);
  }

  function scoreRange(items) {
    const scores = items.map((item) => Number(item.dataset.score)).filter((score) => !Number.isNaN(score));
    if (!scores.length) return null;
    return { low: Math.min(...scores), high: Math.max(...scores) };
  }

  function format(number) {
    return String(number).replace(".", document.documentElement.lang === "fr" ? "," : ".");
  }

  // A theme's count stands beside its name, so its "more" line is a courtesy:
  // it goes first when room runs out (an idea is worth more than the line),
  // and with none of its ideas shown, "+ 9 more ideas" would only repeat the count.
  function countedBeside(list) {
    const theme = list.closest(".theme");
    return Boolean(theme && theme.querySelector(".theme-count"));
  }

  function noneShown(list) {
    return items(list).every((item) => item.classList.contains(HIDDEN));
  }

  // Write the line for `count` items left out (the hidden ones given, for a score range).
  function tell(list, count, hiddenItems) {
    const line = moreLine(list);
    if (!line) return;
    line.hidden = count === 0 || (countedBeside(list) && noneShown(list));
    if (line.hidden) return;
    const range = scoreRange(hiddenItems);
    const same = range && range.low === range.high && line.dataset.sameOne;
    const form = (same ? "same-" : "") + (count === 1 ? "one" : "many");
    const key = form.replace(/-(\w)/g, (_, c) => c.toUpperCase());
    let text = line.dataset[key] || line.dataset[count === 1 ? "one" : "many"] || line.textContent;
    text = text.replace("{count}", count);
    if (range) {
      // The unit agrees with the number just before it: the highest, or the one score they share.
      const beside = same ? range.low : range.high;
      const one = document.documentElement.lang === "fr" ? Math.abs(beside) < 2 : beside === 1;
      const unit = (one ? line.dataset.unitOne : line.dataset.unitMany) || "";
      text = text.replace("{low}", format(range.low)).replace("{high}", format(range.high)).replace("{unit}", unit);
    }
    line.textContent = text;
  }

  function items(list) {
    return Array.from(list.children);
  }

  // Show the first `shown` items of a list and hide the rest; say how many are left out.
  function showFirst(list, shown) {
    const all = items(list);
    all.forEach((item, index) => item.classList.toggle(HIDDEN, index >= shown));
    const hidden = all.slice(shown);
    tell(list, hidden.length + Number(list.dataset.omitted || 0), hidden);
    linkedPoints(list);
  }

  // The matrix's points follow their legend entries.
  function linkedPoints(list) {
    for (const item of items(list)) {
      const point = item.dataset.point && document.getElementById(item.dataset.point);
      if (point) point.classList.toggle(HIDDEN, item.classList.contains(HIDDEN));
    }
  }

  // An item fits above the end of the stage and inside its list's box (a
  // list laid out in columns puts what does not fit in columns to the right).
  function fits(item, box, end) {
    const rect = item.getBoundingClientRect();
    return rect.bottom <= end + 0.5 && rect.right <= box.right + 0.5 && rect.bottom <= box.bottom + 0.5;
  }

  function overflows(list, end) {
    const line = moreLine(list);
    const box = list.getBoundingClientRect();
    if (box.bottom > end + 0.5) return true;
    if (line && !line.hidden && bottomOf(line) > end + 0.5) return true;
    const last = items(list).filter((item) => !item.classList.contains(HIDDEN)).pop();
    return Boolean(last && !fits(last, box, end));
  }

  // One list on its own: as many items as fit above the end of the stage.
  function fitList(list, end) {
    const all = items(list);
    showFirst(list, all.length);
    if (!overflows(list, end)) return;
    // First guess from the positions with everything shown, then one by one.
    const box = list.getBoundingClientRect();
    let shown = all.findIndex((item) => !fits(item, box, end));
    if (shown < 0) shown = all.length;
    showFirst(list, shown);
    while (shown > 0 && overflows(list, end)) showFirst(list, --shown);
    keepTiesTogether(list, all, shown);
  }

  // Results share a rank when tied: a cut inside a tie would show one of them
  // ("9 tie") and sum up the others with the rest. The tie goes to the "more"
  // line whole, unless it is all that fits.
  function keepTiesTogether(list, all, shown) {
    if (shown <= 0 || shown >= all.length || !all[shown].dataset.rank) return;
    const rank = all[shown].dataset.rank;
    let start = shown;
    while (start > 0 && all[start - 1].dataset.rank === rank) start--;
    if (start > 0 && start < shown) showFirst(list, start);
  }

  // Themes share the screen in rows of equal height (CSS): each shows the
  // most central ideas that fit in its own box, skipping one too long to fit
  // for the next, down to its label and count only.
  function fitThemes(themes, end) {
    for (const list of themes.querySelectorAll("[data-fit-list]")) {
      const theme = list.closest(".theme") || list.parentElement;
      const style = getComputedStyle(theme);
      const bottom = Math.min(end, theme.getBoundingClientRect().bottom - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth));
      const all = items(list);
      // The count beside the name follows the list: an idea pushed into "not in
      // a theme", or taken off the wall, changes it without a render of the theme.
      const count = theme.querySelector(".theme-count");
      if (count) count.textContent = String(all.length + Number(list.dataset.omitted || 0));
      all.forEach((item) => item.classList.remove(HIDDEN));
      for (const item of all) {
        if (bottomOf(item) > bottom + 0.5) item.classList.add(HIDDEN);
      }
      hideFromEnd(list, bottom);
    }
  }

  // Say how many are left out, then make room for that line if it needs it.
  function hideFromEnd(list, end) {
    const hiddenItems = () => items(list).filter((item) => item.classList.contains(HIDDEN));
    tell(list, hiddenItems().length + Number(list.dataset.omitted || 0), hiddenItems());
    let shown = items(list).filter((item) => !item.classList.contains(HIDDEN));
    while (shown.length && overflows(list, end)) {
      const line = moreLine(list);
      if (line && !line.hidden && countedBeside(list)) {
        line.hidden = true;
        continue;
      }
      shown.pop().classList.add(HIDDEN);
      tell(list, hiddenItems().length + Number(list.dataset.omitted || 0), hiddenItems());
    }
  }

  // A list's density follows its count (data-density-steps: the most items
  // drawn large, then medium): fewer ideas, larger cards. The wall and the
  // items of an open vote have such steps.
  const STEPS = ["large", "medium", "compact"];

  function setDensity(list, step) {
    list.classList.remove(...STEPS.map((name) => "density-" + name));
    list.classList.add("density-" + step);
  }

  function density(list) {
    const count = items(list).length + Number(list.dataset.omitted || 0);
    const [large, medium] = list.dataset.densitySteps.split(" ").map(Number);
    setDensity(list, count <= large ? "large" : count <= medium ? "medium" : "compact");
  }

  // A list whose items do not all fit at the size its count suggests (25
  // long ideas at "medium" show 13) takes the next denser size, still 22 px
  // or more, before the rest is left to its "more" line.
  function fitDense(list, end) {
    density(list);
    fitList(list, end);
    let step = STEPS.findIndex((name) => list.classList.contains("density-" + name));
    while (step >= 0 && step < STEPS.length - 1 && items(list).some((item) => item.classList.contains(HIDDEN))) {
      setDensity(list, STEPS[++step]);
      fitList(list, end);
    }
  }

  // Words wrap whole on the projector. Measured with every column at its fair
  // share (class measuring-words), a card whose longest word is wider than the
  // card ("intergénérationnelle" in a hat's column) is marked long-word: a hat's
  // column then widens a little to hold it (its style.css), and where a card
  // cannot (a wall's idea, or a word half as wide again as its card, a pasted
  // link) it is marked word-too-long, to be hyphenated where the browser knows
  // the language, else cut at the edge. One layout for all cards, not one per card.
  const TOO_LONG = 1.5;

  function markLongWords(stage) {
    const cards = Array.from(stage.querySelectorAll(".idea, .hat-comment"));
    stage.classList.add("measuring-words");
    const ratios = cards.map((card) => card.scrollWidth / Math.max(1, card.clientWidth));
    stage.classList.remove("measuring-words");
    cards.forEach((card, i) => {
      const long = ratios[i] > 1.01;
      const widens = long && ratios[i] <= TOO_LONG && card.classList.contains("hat-comment");
      card.classList.toggle("long-word", long);
      card.classList.toggle("word-too-long", long && !widens);
    });
  }

  function fit() {
    const stage = document.getElementById("stage");
    if (!stage) return;
    markLongWords(stage);
    const end = limit();
    const themes = stage.querySelector("[data-fit-themes]");
    if (themes) fitThemes(themes, end);
    for (const list of stage.querySelectorAll("[data-fit-list]")) {
      if (themes && themes.contains(list)) continue;
      if (list.dataset.densitySteps) fitDense(list, end);
      else fitList(list, end);
    }
  }

  let pending = false;
  function fitSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fit(); });
  }

  document.addEventListener("live:swapped", fitSoon);
  document.addEventListener("live:connected", fitSoon);
  window.addEventListener("resize", fitSoon);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fitSoon);
  fit();
})();
