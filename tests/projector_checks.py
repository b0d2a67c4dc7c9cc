"""Measurements of a projector screen in a real browser (Playwright page).

Shared by the projector's browser tests and the full-size browser journey:
each helper runs one script in the page and returns what it found.

Conventions the projector templates follow (see README, "The projector at
full size"):
- an item of a list is `.idea`, `.theme`, `.result`, `.hat-comment`, `.cell`
  or `.matrix-key` (an entry of the impact × feasibility legend);
- the fitting (static/js/projector.js) hides an item with the class
  `fit-hidden` (display: none); such an item is left out, not clipped;
- a list that may leave items out has an id and `data-fit-list` (each of its
  children is one item); the server
  may already leave some out, and says how many in `data-omitted`;
- its "more" line is `.more-line[data-more-for="<the list's id>"]`; its text
  holds the number of items left out (server-omitted + fit-hidden) as its
  first number ("+ 23 autres idées").
"""

from __future__ import annotations

ITEMS = ".idea, .theme, .result, .hat-comment, .cell, .matrix-key"

_VISIBLE_JS = """
function isVisible(el) {
  if (el.closest('.visually-hidden')) return false;
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') return false;
  if (parseFloat(style.opacity) === 0) return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}
function describe(el) {
  const classes = (el.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean);
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes.map(c => '.' + c).join('');
  const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
  return text ? name + ' "' + text + '"' : name;
}
"""


def smallest_font_px(page) -> tuple[float, str]:
    """The smallest rendered font size (CSS px) of visible text in
    `main.projector-grid`, and the element that carries it. SVG text counts at
    its size on screen (its font-size times the drawing's scale)."""
    size, where = page.evaluate("(selector) => {" + _VISIBLE_JS + """
      const root = document.querySelector('main.projector-grid');
      if (!root) return [0, 'no main.projector-grid'];
      let best = [Infinity, 'no visible text'];
      for (const el of root.querySelectorAll('*')) {
        const ownText = Array.from(el.childNodes).some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
        if (!ownText || !isVisible(el)) continue;
        let px = parseFloat(getComputedStyle(el).fontSize);
        if (el instanceof SVGElement && el.getScreenCTM) {
          const m = el.getScreenCTM();
          if (m) px *= Math.sqrt(m.a * m.a + m.b * m.b);
        }
        if (px < best[0]) best = [Math.round(px * 100) / 100, describe(el)];
      }
      return best;
    }
    """)
    return float(size), where


def clipped_items(page) -> list[str]:
    """Items shown (not display: none) whose box leaves the viewport or an
    ancestor that clips (overflow other than visible), or whose own text is
    cut inside them (an overflow-hidden part, e.g. a line clamp, that holds
    more than it shows)."""
    return page.evaluate("(selector) => {" + _VISIBLE_JS + """
      const root = document.querySelector('main.projector-grid') || document.body;
      const out = [];
      const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
      const slack = 1;
      const outside = (box, r) => box.left < r.left - slack || box.top < r.top - slack
        || box.right > r.right + slack || box.bottom > r.bottom + slack;
      for (const el of root.querySelectorAll(selector)) {
        if (!isVisible(el)) continue;
        const box = el.getBoundingClientRect();
        if (outside(box, {left: 0, top: 0, right: vw, bottom: vh})) { out.push(describe(el) + ' leaves the viewport'); continue; }
        let cut = null;
        for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
          const style = getComputedStyle(up);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          if (outside(box, up.getBoundingClientRect())) { cut = describe(up); break; }
        }
        if (cut) { out.push(describe(el) + ' cut by ' + cut); continue; }
        for (const part of [el, ...el.querySelectorAll('*')]) {
          const style = getComputedStyle(part);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          if (part.scrollHeight > part.clientHeight + slack || part.scrollWidth > part.clientWidth + slack) {
            out.push(describe(el) + ' text cut inside ' + describe(part)); break;
          }
        }
      }
      return out;
    }
    """, ITEMS)


def untold_hidden(page) -> list[str]:
    """Lists that leave items out without saying so, or say a wrong number:
    for each `[data-fit-list]`, the items left out (server-omitted plus
    fit-hidden) must equal the first number of its visible "more" line, and a
    list that leaves nothing out must show no "more" line. A theme says how
    many ideas it has by the count beside its name: it may do without the line
    (when it shows none of its ideas, or an idea needs the line's room)."""
    return page.evaluate("(selector) => {" + _VISIBLE_JS + """
      const out = [];
      for (const list of document.querySelectorAll('[data-fit-list]')) {
        if (!isVisible(list) && !list.querySelector(selector)) continue;
        const items = Array.from(list.children);
        const hidden = items.filter(el => !isVisible(el)).length + Number(list.dataset.omitted || 0);
        const line = list.id ? document.querySelector('.more-line[data-more-for="' + list.id + '"]') : null;
        const shown = line && isVisible(line);
        const number = shown ? Number(((line.textContent || '').match(/\\d+/) || ['NaN'])[0]) : 0;
        const name = describe(list).slice(0, 60);
        // A theme says how many ideas it has beside its name: its line, when
        // room is left for it, must be right, but it may do without one.
        const theme = list.closest('.theme');
        const count = theme && theme.querySelector('.theme-count');
        if (count && isVisible(count) && !shown
            && Number(count.textContent) === items.length + Number(list.dataset.omitted || 0)) continue;
        if (hidden > 0 && !shown) out.push(name + ': ' + hidden + ' left out, no visible more line');
        else if (hidden !== number) out.push(name + ': ' + hidden + ' left out, more line says ' + (shown ? line.textContent.trim() : 'nothing'));
      }
      return out;
    }
    """, ITEMS)


def told_per_theme(page) -> list[tuple[int, int, int]]:
    """For each theme on the projector: its ideas shown, the number its "more"
    line says (0 when none is visible), and the count beside its name."""
    return [tuple(row) for row in page.evaluate("() => {" + _VISIBLE_JS + """
      return Array.from(document.querySelectorAll('.themes .theme')).map(theme => {
        const shown = Array.from(theme.querySelectorAll('.idea')).filter(isVisible).length;
        const line = theme.querySelector('.more-line');
        const more = line && isVisible(line) ? Number((line.textContent.match(/\\d+/) || ['NaN'])[0]) : 0;
        return [shown, more, Number(theme.querySelector('.theme-count').textContent)];
      });
    }""")]


def broken_words(page) -> list[str]:
    """Words of visible text in `main.projector-grid` that wrap across two
    lines (a word cut in the middle: "Employe/ur"). A break after a hyphen,
    a dash or a slash is a line break the language allows, not a cut."""
    return page.evaluate("(selector) => {" + _VISIBLE_JS + """
      const root = document.querySelector('main.projector-grid');
      if (!root) return [];
      const out = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || el instanceof SVGElement || !isVisible(el)) continue;
        const text = node.textContent;
        for (const match of text.matchAll(/[^\\s\\u00ad\\u200b\\/\\u2010-\\u2015-]{2,}/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
          if (lines.size > 1) out.push(match[0] + ' in ' + describe(el));
        }
      }
      return out;
    }
    """)
