// The protocol editor (issue #19 item 3): task rows added and removed in place, the form
// sent as one JSON body, the consent of those present kept current, versions compared.
"use strict";
(() => {
  const WG = window.WG;

  // An item goes to the server when something is typed in it or it was saved before (so a
  // cleared item is refused as in chat, not silently kept); items never touched stay out,
  // so a protocol can be written a few items at a time.
  const itemBody = (fieldset) => {
    const value = (name) => fieldset.querySelector(`[name="${name}"]`).value;
    const tasks = [...fieldset.querySelectorAll(".ptask")].map((row) => ({
      text: row.querySelector('[name="text"]').value,
      owner: row.querySelector('[name="owner"]').value,
      deadline: row.querySelector('[name="deadline"]').value,
    }));
    const item = {
      heard: value("heard"),
      spoke: value("spoke"),
      decided: value("decided"),
      tasks: tasks.filter((x) => x.text.trim() || x.owner.trim() || x.deadline),
    };
    const typed = item.heard.trim() || item.spoke.trim() || item.decided.trim() || item.tasks.length;
    return fieldset.dataset.written === "1" || typed ? item : null;
  };

  WG.bodies["protocol-form"] = (form) => {
    const items = {};
    form.querySelectorAll("fieldset[data-number]").forEach((fieldset) => {
      const item = itemBody(fieldset);
      if (item) items[fieldset.dataset.number] = item;
    });
    return { base: Number(form.dataset.base), items };
  };

  WG.modules["protocol-editor"] = (form) => {
    const template = form.querySelector("template#task-row");
    form.addEventListener("click", (event) => {
      const add = event.target.closest("[data-add-task]");
      if (add) {
        const rows = add.closest("fieldset").querySelector("[data-tasks]");
        rows.append(template.content.cloneNode(true));
        const inputs = rows.querySelectorAll('.ptask [name="text"]');
        inputs[inputs.length - 1].focus();
        return;
      }
      const remove = event.target.closest("[data-remove-task]");
      if (remove) remove.closest(".ptask").remove();
    });
  };

  // The consent of everyone present: polled while the editor is open, the list replaced in
  // place (the rest of the page, and what is being typed, is left alone).
  WG.modules["protocol-consents"] = (root) => {
    const id = root.dataset.id;
    const list = root.querySelector("[data-entries]");
    const status = root.querySelector("[data-status]");
    const summary = root.querySelector("[data-summary]");
    let busy = false;
    const refresh = async () => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const board = await WG.api("GET", `/protocols/${id}/consents`);
        status.textContent = board.status;
        status.classList.toggle("warn", board.collecting);
        summary.textContent = board.summary;
        const shown = [...list.children].map((li) => `${li.className}|${li.textContent}`);
        const fresh = board.entries.map((e) => `consent-${e.state}|${e.text}`);
        if (shown.join("\n") !== fresh.join("\n")) {
          list.replaceChildren(
            ...board.entries.map((e) => {
              const li = document.createElement("li");
              li.className = `consent-${e.state}`;
              li.textContent = e.text;
              return li;
            }),
          );
        }
      } catch (_e) {
        // A missed poll is retried by the next one; the page says nothing about it.
      } finally {
        busy = false;
      }
    };
    WG.every(2000, refresh);
  };

  WG.modules["protocol-compare"] = (form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const a = form.querySelector('[name="a"]').value;
      const b = form.querySelector('[name="b"]').value;
      WG.go(`/protocols/${form.dataset.id}/diff?a=${a}&b=${b}`);
    });
  };
})();
