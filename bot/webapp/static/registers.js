// The registers' tables (issue #19, item 4): sorted by a click on a column's header and
// filtered by a text and a status, all in the page; the server sends every row once.
"use strict";
(() => {
  const collator = new Intl.Collator(document.documentElement.lang || "ru", {
    numeric: true,
    sensitivity: "base",
  });
  const cellKey = (row, col) => {
    const cell = row.querySelector(`td[data-col="${col}"]`);
    if (!cell) return "";
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  };

  // Sorting: the first click sorts ascending, the next descending; aria-sort tells a screen
  // reader which column orders the table.
  const sortable = (table) => {
    const body = table.tBodies[0];
    table.querySelectorAll("thead th[data-col]").forEach((th) => {
      const button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", () => {
        const col = th.dataset.col;
        const numeric = th.dataset.type === "number";
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = cellKey(a, col);
          const y = cellKey(b, col);
          const order = numeric ? Number(x) - Number(y) : collator.compare(x, y);
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  };

  // Filtering: every word typed must appear in the row (title, unit, person, kind), and the
  // row's status must be the one chosen.
  const filterable = (root, table) => {
    const query = root.querySelector('[data-filter="text"]');
    const status = root.querySelector('[data-filter="status"]');
    const shown = root.querySelector("[data-shown]");
    const nothing = root.querySelector("[data-nothing]");
    if (!query || !status) return;
    const rows = Array.from(table.tBodies[0].rows);
    const apply = () => {
      const words = query.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
      let count = 0;
      rows.forEach((row) => {
        const text = row.textContent.toLocaleLowerCase();
        const match =
          words.every((w) => text.includes(w)) &&
          (!status.value || row.dataset.status === status.value);
        row.hidden = !match;
        if (match) count += 1;
      });
      if (shown) {
        shown.textContent = shown.dataset.shown
          .replace("{shown}", String(count))
          .replace("{total}", String(rows.length));
      }
      if (nothing) nothing.hidden = count > 0;
    };
    query.addEventListener("input", apply);
    status.addEventListener("change", apply);
  };

  const start = () => {
    const WG = window.WG;
    WG.modules.registers = (root) => {
      root.querySelectorAll("table.reg-table").forEach((table) => {
        sortable(table);
        if (table.id === "reg-table") filterable(root, table);
      });
    };
    // The value form sends to the chosen indicator's address.
    WG.modules["registers-kpi-value"] = (form) => {
      const which = form.querySelector('select[name="kpi"]');
      const entry = form.dataset.entry;
      const point = () => {
        form.dataset.api = `/registers/entry/${entry}/indicators/${which.value}/values`;
      };
      which.addEventListener("change", point);
      point();
    };
  };
  if (window.WG) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
