// The Mini App's frame: Telegram's signed initData on every request, the page fragments the
// server renders, forms sent as JSON, and the few calls to Telegram a page needs. No library:
// Telegram's own script would be loaded from telegram.org, and nothing here is fetched from
// anywhere but this server.
"use strict";
(() => {
  const base = location.pathname.replace(/[^/]*$/, "");
  const texts = JSON.parse(document.getElementById("wg-texts").textContent);
  const fromTelegram = new URLSearchParams(location.hash.slice(1));
  const stored = (key, value) => {
    try {
      if (value) sessionStorage.setItem(key, value);
      return sessionStorage.getItem(key) || "";
    } catch (_e) {
      return value || "";
    }
  };
  // Telegram puts the signed data in the address's fragment when it opens the page; it is
  // kept for the session, since moving between pages changes the address.
  const initData = stored("wg.initData", fromTelegram.get("tgWebAppData"));
  const themeJson = stored("wg.theme", fromTelegram.get("tgWebAppThemeParams"));
  let lang = (document.documentElement.lang || "ru").slice(0, 2);
  const text = (key) => (texts[lang] || texts.ru)[key];

  // Telegram's bridge: the app talks to the client through whichever channel it offers.
  const postEvent = (type, data) => {
    const payload = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, payload);
      } else if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: data || {} }));
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
      }
    } catch (_e) {
      // Outside Telegram (a test's browser) there is nobody to tell.
    }
  };
  const applyTheme = (params) => {
    if (!params) return;
    for (const [key, value] of Object.entries(params)) {
      if (/^#[0-9a-fA-F]{3,8}$/.test(String(value))) {
        document.documentElement.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
      }
    }
  };
  try {
    applyTheme(themeJson ? JSON.parse(themeJson) : null);
  } catch (_e) {
    // A theme that is not JSON leaves the default colours.
  }
  const handlers = {};
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = {
    receiveEvent(type, data) {
      if (type === "theme_changed" && data) applyTheme(data.theme_params);
      (handlers[type] || []).forEach((fn) => fn(data));
    },
  };
  const on = (type, fn) => (handlers[type] = handlers[type] || []).push(fn);

  const main = document.getElementById("main");
  const notice = document.getElementById("notice");
  const back = document.getElementById("back");
  let noticeTimer = 0;
  const say = (message, isError) => {
    notice.textContent = message;
    notice.hidden = false;
    notice.className = isError ? "notice error" : "notice";
    notice.setAttribute("role", isError ? "alert" : "status");
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (notice.hidden = true), isError ? 8000 : 3000);
  };

  class Refused extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }
  const request = async (method, path, body) => {
    let response;
    try {
      response = await fetch(base + path.replace(/^\//, ""), {
        method,
        headers: {
          "X-Telegram-Init-Data": initData,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (_e) {
      throw new Refused(text("offline"), 0);
    }
    return response;
  };
  // JSON calls: the answer, or an error with the server's text in the person's language.
  const api = async (method, path, body) => {
    const response = await request(method, `api${path}`, body);
    let data = {};
    try {
      data = await response.json();
    } catch (_e) {
      data = {};
    }
    if (!response.ok) throw new Refused(data.error || text("offline"), response.status);
    return data;
  };

  // Pages: "?v=/protocols/3" is the page; its HTML comes from <base>view/protocols/3.
  const current = () => new URLSearchParams(location.search).get("v") || "/home";
  let shown = "";
  const stops = [];
  const show = async (view, push) => {
    if (!/^\/[\w\-/]*(\?[\w=&%\-.]*)?$/.test(view)) view = "/home";
    while (stops.length) stops.pop()();
    main.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await request("GET", `view${view}`);
    } catch (error) {
      main.setAttribute("aria-busy", "false");
      say(error.message, true);
      return;
    }
    const html = await response.text();
    if (push) {
      // A page's own query ("/protocols/3/diff?a=1&b=2") stays inside v.
      history.pushState({ view }, "", `?v=${view.replace(/&/g, "%26")}`);
      depth += 1;
    }
    main.innerHTML = html;
    main.setAttribute("aria-busy", "false");
    shown = view;
    const page = main.firstElementChild;
    if (page && page.dataset.title) document.title = page.dataset.title;
    if (page && page.dataset.lang) {
      lang = page.dataset.lang;
      document.documentElement.lang = lang;
    }
    const atHome = view === "/home";
    back.hidden = atHome;
    postEvent("web_app_setup_back_button", { is_visible: !atHome });
    main.querySelectorAll("[data-module]").forEach((el) => {
      const start = WG.modules[el.dataset.module];
      if (start) {
        const stop = start(el);
        if (typeof stop === "function") stops.push(stop);
      }
    });
    window.scrollTo(0, 0);
  };
  const go = (view) => show(view, true);
  const reload = () => show(shown || current(), false);

  // Forms: <form data-api="/path" data-method="POST" data-then="/view">; fields by name,
  // repeated names as lists; a page script may supply the body with WG.bodies[form.id].
  const formBody = (form) => {
    if (form.id && WG.bodies[form.id]) return WG.bodies[form.id](form);
    const body = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (name in body) body[name] = [].concat(body[name], value);
      else body[name] = value;
    }
    return body;
  };
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const buttons = form.querySelectorAll("button, input[type=submit]");
    buttons.forEach((b) => (b.disabled = true));
    try {
      const answer = await api(form.dataset.method || "POST", form.dataset.api, formBody(form));
      say(answer.message || text("saved"), false);
      if (answer.view) await go(answer.view);
      else if (form.dataset.then) await go(form.dataset.then);
      else await reload();
    } catch (error) {
      say(error.message, true);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link) return;
    const view = new URL(link.href, location.href).searchParams.get("v");
    if (!view) return;
    event.preventDefault();
    go(view);
  });
  // Back within the app's own pages; from the first one, to the start page.
  let depth = 0;
  const goBack = () => (depth > 0 ? history.back() : go("/home"));
  back.addEventListener("click", goBack);
  on("back_button_pressed", goBack);
  window.addEventListener("popstate", () => {
    depth = Math.max(0, depth - 1);
    show(current(), false);
  });

  const WG = {
    api,
    go,
    reload,
    say,
    on,
    postEvent,
    modules: {},
    bodies: {},
    text,
    // A page's repeated work (a live status) that stops when the page is left.
    every(ms, fn) {
      const id = setInterval(fn, ms);
      stops.push(() => clearInterval(id));
    },
  };
  window.WG = WG;
  // Scripts of the sections register their modules once this one has run.
  document.addEventListener("DOMContentLoaded", () => {
    history.replaceState({ view: current() }, "", `?v=${current().replace(/&/g, "%26")}`);
    postEvent("web_app_ready");
    postEvent("web_app_expand");
    show(current(), false);
  });
})();
