// The dashboard's charts as inline SVG (issue #19 item 5), drawn from the JSON the server
// put on each chart (data-chart): the same values the chat's PNG charts are drawn from. No
// chart library: columns, stacked rows and rows, sized to the width the page has, redrawn
// when it changes, coloured by the theme (classes tone-* in app.css). The numbers are also
// in the table under each chart, which the server wrote.
"use strict";
(() => {
  const NS = "http://www.w3.org/2000/svg";
  const FONT = 12;
  const LINE = 15;
  // Below this many pixels for a column's label, columns become rows (a phone's width).
  const MIN_SLOT = 44;

  const el = (name, attrs, parent) => {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    if (parent) parent.appendChild(node);
    return node;
  };
  const label = (parent, x, y, lines, attrs) => {
    const node = el("text", { x, y, ...attrs }, parent);
    lines.forEach((line, i) => {
      const span = el("tspan", { x, dy: i === 0 ? 0 : LINE }, node);
      span.textContent = line;
    });
    return node;
  };

  // Text widths from the page's own font, so that labels are wrapped where they really end.
  const ruler = document.createElement("canvas").getContext("2d");
  const measure = (text, font) => {
    if (!ruler) return text.length * FONT * 0.6;
    ruler.font = font;
    return ruler.measureText(text).width;
  };
  const wrap = (text, width, font) => {
    const lines = [];
    for (const part of String(text).split("\n")) {
      let line = "";
      for (const word of part.split(/\s+/).filter(Boolean)) {
        const next = line ? `${line} ${word}` : word;
        if (line && measure(next, font) > width) {
          lines.push(line);
          line = word;
        } else {
          line = next;
        }
      }
      lines.push(line);
    }
    return lines;
  };
  const number = (value, lang) =>
    Number.isInteger(value) ? String(value) : value.toLocaleString(lang, { maximumFractionDigits: 1 });

  // A round step for about `count` ticks up to `top`: 1, 2, 5 × 10^n (whole numbers only
  // for counts).
  const stepOf = (top, count, whole) => {
    const raw = top / count;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
    return whole ? Math.max(1, Math.round(step)) : step;
  };
  const ticks = (top, count, whole) => {
    const step = stepOf(top, count, whole);
    const out = [];
    for (let v = 0; v <= top + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
    return out;
  };

  // The axis' end: fixed (a share in per cent), or a round number with room for the values.
  const scaleTop = (spec, totals) => {
    if (spec.limit) return spec.limit;
    const room = Math.max(1, ...totals) * 1.15;
    const step = stepOf(room, 4, true);
    return Math.ceil(room / step) * step;
  };

  const totalsOf = (spec) =>
    spec.categories.map((_c, i) => spec.series.reduce((sum, s) => sum + (s.values[i] || 0), 0));

  // Vertical columns, one value per category: months, task outcomes.
  const columns = (svg, spec, width, font, lang) => {
    const s = spec.series[0];
    const catLines = spec.categories.map((c) => String(c).split("\n"));
    const rows = Math.max(1, ...catLines.map((l) => l.length));
    const left = 34 + (spec.axis ? LINE + 4 : 0);
    const top = LINE + 6;
    const plot = 200;
    const bottom = rows * LINE + 10;
    const height = top + plot + bottom;
    const inner = width - left - 8;
    const max = scaleTop(spec, s.values);
    const y = (v) => top + plot - (v / max) * plot;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("height", height);
    for (const v of ticks(max, 4, !spec.limit)) {
      el("line", { x1: left, x2: width - 8, y1: y(v), y2: y(v), class: "grid" }, svg);
      label(svg, left - 6, y(v) + 4, [number(v, lang)], { "text-anchor": "end", class: "tick" });
    }
    if (spec.axis) {
      const mid = top + plot / 2;
      label(svg, 12, mid, [spec.axis], {
        transform: `rotate(-90 12 ${mid})`,
        "text-anchor": "middle",
        class: "axis-label",
      });
    }
    const slot = inner / spec.categories.length;
    const bar = Math.min(56, slot * 0.66);
    s.values.forEach((value, i) => {
      const x = left + slot * i + (slot - bar) / 2;
      // A zero still shows its colour (a month missed is red), as on the PNG: a thin stub.
      const shown = value || max * 0.015;
      el("rect", { x, y: y(shown), width: bar, height: plot - (y(shown) - top), class: `bar tone-${s.tones[i]}` }, svg);
      const text = (s.texts && s.texts[i]) || number(value, lang);
      label(svg, x + bar / 2, y(shown) - 5, [text], { "text-anchor": "middle", class: "value" });
      label(svg, x + bar / 2, top + plot + LINE, catLines[i], { "text-anchor": "middle", class: "category" });
    });
    el("line", { x1: left, x2: width - 8, y1: top + plot, y2: top + plot, class: "axis" }, svg);
  };

  // Horizontal rows, the label above its bar (the width is the bar's on a phone): people,
  // units and indicators; stacked when there are several series.
  const bars = (svg, spec, width, font, lang) => {
    const left = 4;
    const right = 8;
    const inner = width - left - right;
    const totals = totalsOf(spec);
    const max = scaleTop(spec, totals);
    const x = (v) => left + (v / max) * inner;
    const barHeight = 20;
    let y = 6;
    const drawn = [];
    spec.categories.forEach((category, i) => {
      const lines = wrap(category, inner, font);
      label(svg, left, y + FONT, lines, { class: "category" });
      y += lines.length * LINE + 4;
      drawn.push([i, y]);
      y += barHeight + 12;
    });
    const plotTop = 0;
    const plotBottom = y;
    for (const v of ticks(max, width < 480 ? 3 : 6, !spec.limit)) {
      el("line", { x1: x(v), x2: x(v), y1: plotTop, y2: plotBottom, class: "grid" }, svg);
      label(svg, x(v), plotBottom + LINE, [number(v, lang)], { "text-anchor": "middle", class: "tick" });
    }
    for (const [i, top] of drawn) {
      let start = 0;
      spec.series.forEach((s) => {
        const value = s.values[i] || 0;
        const x0 = x(start);
        // A zero still shows its colour (a month missed is red) when it is the only series.
        const w = spec.kind === "stacked" || value ? x(start + value) - x0 : 3;
        if (w > 0) {
          el("rect", { x: x0, y: top, width: w, height: barHeight, class: `bar tone-${s.tones[i]}` }, svg);
        }
        if (spec.kind === "stacked") {
          const text = number(value, lang);
          if (value && w >= measure(text, font) + 6) {
            label(svg, x0 + w / 2, top + barHeight / 2 + 4, [text], {
              "text-anchor": "middle",
              class: `inside on-${s.tones[i]}`,
            });
          }
        } else {
          const text = (s.texts && s.texts[i]) || number(value, lang);
          const room = width - right - (x0 + w) - 6;
          const fits = measure(text, font) <= room;
          label(svg, fits ? x0 + w + 5 : x0 + w - 5, top + barHeight / 2 + 4, [text], {
            "text-anchor": fits ? "start" : "end",
            class: fits ? "value" : `inside on-${s.tones[i]}`,
          });
        }
        start += value;
      });
    }
    if (spec.reference !== null && spec.reference !== undefined) {
      // The target (100 %) across each bar, not across the labels above them.
      for (const [, top] of drawn) {
        const at = x(spec.reference);
        el("line", { x1: at, x2: at, y1: top - 3, y2: top + barHeight + 3, class: "reference" }, svg);
      }
    }
    el("line", { x1: left, x2: left, y1: plotTop, y2: plotBottom, class: "axis" }, svg);
    let height = plotBottom + LINE + 6;
    if (spec.axis) {
      const lines = wrap(spec.axis, inner, font);
      label(svg, left + inner / 2, height + LINE - 2, lines, { "text-anchor": "middle", class: "axis-label" });
      height += lines.length * LINE + 4;
    }
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("height", height);
  };

  const draw = (canvas, spec, lang) => {
    const width = Math.floor(canvas.clientWidth);
    if (!width || canvas.dataset.drawnAt === String(width)) return;
    canvas.dataset.drawnAt = String(width);
    const style = getComputedStyle(canvas);
    const font = `${FONT}px ${style.fontFamily}`;
    const svg = el("svg", { width, "aria-hidden": "true", focusable: "false", class: `kind-${spec.kind}` });
    // Columns while every label fits under its column, else rows.
    const widest = Math.max(
      0,
      ...spec.categories.flatMap((c) => String(c).split("\n").map((line) => measure(line, font))),
    );
    const slot = (width - 60) / spec.categories.length;
    const roomy = slot >= Math.max(MIN_SLOT, widest + 8);
    if (spec.kind === "columns" && roomy) columns(svg, spec, width, font, lang);
    else {
      // Columns turned into rows: a label on one line reads better above a bar.
      const categories =
        spec.kind === "columns" ? spec.categories.map((c) => String(c).split("\n").join(" ")) : spec.categories;
      bars(svg, { ...spec, categories, kind: spec.kind === "stacked" ? "stacked" : "bars" }, width, font, lang);
    }
    canvas.replaceChildren(svg);
  };

  window.WG.modules.dashboard = (root) => {
    const lang = root.dataset.lang || "ru";
    const charts = [...root.querySelectorAll(".chart-canvas[data-chart]")].map((canvas) => ({
      canvas,
      spec: JSON.parse(canvas.dataset.chart),
    }));
    const all = () => charts.forEach(({ canvas, spec }) => draw(canvas, spec, lang));
    all();
    // A phone turned, a desktop window resized: the charts take the new width.
    let pending = 0;
    const watcher = new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(all);
    });
    watcher.observe(root);
    return () => {
      cancelAnimationFrame(pending);
      watcher.disconnect();
    };
  };
})();
