/* The staff pages' shared script: GraphQL requests, the staff login with Saleor's own account
 * (or the token Saleor's dashboard hands a mounted page), texts, DOM helpers, typed errors.
 * A page's own script calls StaffPage.start(function (me) { ... }) and builds on the rest. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var cfg = JSON.parse($("page-config").textContent), T = cfg.texts;
  var key = cfg.storageKey;
  var framed = window.parent !== window;
  var state = {token: null, renewWith: null, renewAt: 0, scheme: "JWT", refreshing: null};
  var AUTH_CODES = ["JSONWebTokenExpired", "JSONWebTokenError", "ExpiredSignatureError",
    "InvalidTokenError", "DecodeError"];

  function t(name, values) {
    var text = T[name] === undefined ? name : T[name];
    return values ? fill(text, values) : text;
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (_, k) { return values[k]; }).replace("%%", "%");
  }
  function show(el, on) { el.classList.toggle("hidden", !on); }

  // el("button", {type: "button", class: "danger", onclick: f}, ["text", child])
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name.slice(0, 2) === "on") { node.addEventListener(name.slice(2), value); }
      else if (name === "class") { node.className = value; }
      else if (name === "text") { node.textContent = value; }
      else if (name in node && typeof value !== "string") { node[name] = value; }
      else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function money(amount, currency) {
    if (amount === null || amount === undefined) { return ""; }
    if (!currency) { return String(amount); }
    return new Intl.NumberFormat(cfg.language, {style: "currency", currency: currency})
      .format(Number(amount));
  }
  function date(value) {
    if (!value) { return ""; }
    var d = new Date(value.length === 10 ? value + "T00:00:00" : value);
    var opts = value.length === 10 ? {dateStyle: "medium"} : {dateStyle: "medium", timeStyle: "short"};
    return new Intl.DateTimeFormat(cfg.language, opts).format(d);
  }

  // -- messages ---------------------------------------------------------------------------
  var messageTimer = null;
  function message(text, bad) {
    var box = $("page-message");
    box.textContent = text;
    box.classList.toggle("bad", !!bad);
    show(box, !!text);
    clearTimeout(messageTimer);
    if (text && !bad) { messageTimer = setTimeout(function () { show(box, false); }, 5000); }
  }

  // -- requests ---------------------------------------------------------------------------
  function post(query, variables, withToken) {
    var headers = {"Content-Type": "application/json", "Accept-Language": cfg.language};
    if (withToken && state.token) { headers.Authorization = state.scheme + " " + state.token; }
    return fetch(cfg.api, {method: "POST", headers: headers, credentials: "omit",
      body: JSON.stringify({query: query, variables: variables || {}})})
      .then(function (r) { return r.json(); });
  }
  function authFailed(body) {
    return (body.errors || []).some(function (e) {
      var ext = e.extensions || {}, code = ext.code || (ext.exception && ext.exception.code);
      return AUTH_CODES.indexOf(code) >= 0;
    });
  }
  function claims(token) {
    try {
      return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    } catch (e) { return {}; }
  }
  function keepToken(token, renewWith) {
    var c = claims(token);
    state.token = token;
    if (renewWith) { state.renewWith = renewWith; }
    state.renewAt = c.exp && c.iat ? Date.now() + Math.max(c.exp - c.iat - 30, 5) * 1000 : 0;
    if (!framed) {
      sessionStorage.setItem(key + ".token", state.token);
      sessionStorage.setItem(key + ".renew", state.renewWith || "");
      sessionStorage.setItem(key + ".renewAt", String(state.renewAt));
    }
  }
  function forget() {
    state.token = state.renewWith = null;
    [".token", ".renew", ".renewAt"].forEach(function (k) { sessionStorage.removeItem(key + k); });
  }
  function renew() {
    if (framed || !state.renewWith) { return Promise.reject(new Error("login ended")); }
    if (!state.refreshing) {
      state.refreshing = post(cfg.login.refresh, {token: state.renewWith}, false).then(function (body) {
        var fresh = body.data && body.data.tokenRefresh && body.data.tokenRefresh.token;
        if (!fresh) { throw new Error("login ended"); }
        keepToken(fresh, cfg.login.renewWith === "token" ? fresh : null);
      }).finally(function () { state.refreshing = null; });
    }
    return state.refreshing;
  }

  // gql(query, variables) → data; rejects with an Error whose .errors are GraphQL's
  function gql(query, variables) {
    var ready = state.renewAt && Date.now() > state.renewAt ? renew() : Promise.resolve();
    return ready.catch(loginEnded).then(function () { return post(query, variables, true); })
      .then(function (body) {
        if (authFailed(body)) {
          return renew().then(function () { return post(query, variables, true); }, loginEnded);
        }
        return body;
      })
      .then(function (body) {
        if (authFailed(body)) { loginEnded(); }
        if (body.errors && body.errors.length) {
          var failure = new Error(body.errors[0].message);
          failure.errors = body.errors;
          throw failure;
        }
        return body.data;
      });
  }

  // -- typed errors: [{field, message, code}] shown beside the form's fields --------------
  function showErrors(form, errors) {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (n) { n.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) {
      n.removeAttribute("aria-invalid");
    });
    var general = [];
    (errors || []).forEach(function (error) {
      var input = error.field && form.querySelector('[data-field="' + error.field + '"]');
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.insertAdjacentElement("afterend", el("p", {class: "field-error error", role: "alert",
          text: error.message}));
      } else { general.push(error.message); }
    });
    if (general.length) { message(general.join(" "), true); }
    var first = form.querySelector("[aria-invalid]");
    if (first) { first.focus(); }
    return (errors || []).length === 0;
  }

  // confirm(text) → Promise<boolean>, in the page's own dialog (keyboard: Esc cancels)
  function confirm(text, okLabel) {
    var dialog = $("page-confirm");
    $("page-confirm-text").textContent = text;
    $("page-confirm-ok").textContent = okLabel || t("confirm");
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function done() {
        dialog.removeEventListener("close", done);
        resolve(dialog.returnValue === "ok");
      });
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  // -- login ------------------------------------------------------------------------------
  var started = null;
  function loginEnded() {
    forget();
    showLogin(t("loginEnded"));
    throw new Error("login ended");
  }
  function showLogin(text) {
    show($("page"), false);
    show($("page-denied"), false);
    show($("page-logout"), false);
    $("page-who").textContent = "";
    show($("page-login"), true);
    $("page-login-error").textContent = text || "";
    $("page-login-email").focus();
  }
  function enter() {
    return gql("{ me { email isStaff userPermissions { code } } }").then(function (data) {
      var me = data.me;
      var allowed = me && me.isStaff && (me.userPermissions || []).some(function (p) {
        return p.code === cfg.permission;
      });
      show($("page-login"), false);
      $("page-who").textContent = me ? me.email : "";
      show($("page-logout"), !framed && !!me);
      if (!allowed) { show($("page-denied"), true); return; }
      show($("page-denied"), false);
      show($("page"), true);
      if (started) { started(me); }
    });
  }
  function logIn(event) {
    event.preventDefault();
    var email = $("page-login-email").value, password = $("page-login-password").value;
    post(cfg.login.create, {email: email, password: password}, false).then(function (body) {
      var result = body.data && body.data.tokenCreate;
      if (!result || !result.token) { $("page-login-error").textContent = t("loginFailed"); return; }
      $("page-login-password").value = "";
      keepToken(result.token, result[cfg.login.renewWith]);
      return enter();
    }).catch(function () { $("page-login-error").textContent = t("error"); });
  }

  function listenToDashboard() {
    // Saleor's dashboard (3.23.27's App Bridge) answers "notifyReady" with a "handshake"
    // carrying the app token ({token, version, saleorVersion, dashboardVersion}) and sends
    // "tokenRefresh" ({token}) when it has a new one; a second handshake only renews too.
    var entered = false;
    window.addEventListener("message", function (event) {
      var data = event.data || {};
      if (event.source !== window.parent || !data.payload || !data.payload.token) { return; }
      if (data.type !== "handshake" && data.type !== "tokenRefresh") { return; }
      state.scheme = "Bearer";
      keepToken(data.payload.token, null);
      if (!entered) {
        entered = true;
        enter().catch(function () { message(t("error"), true); });
      }
    });
    window.parent.postMessage({type: "notifyReady", payload: {actionId: "ready-" + Date.now()}}, "*");
  }

  function start(onReady) {
    started = onReady;
    $("page-lang").addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("lang", this.value);
      window.location.assign(url.toString());
    });
    if (!$("page-login-form")) { return; }  // the feature is switched off
    $("page-login-form").addEventListener("submit", logIn);
    $("page-logout").addEventListener("click", function () { forget(); showLogin(""); });
    if (framed) { listenToDashboard(); return; }
    state.token = sessionStorage.getItem(key + ".token");
    state.renewWith = sessionStorage.getItem(key + ".renew") || null;
    state.renewAt = Number(sessionStorage.getItem(key + ".renewAt")) || 0;
    if (state.token) { enter().catch(function () {}); } else { showLogin(""); }
  }

  window.StaffPage = {config: cfg, t: t, fill: fill, show: show, el: el, clear: clear, $: $,
    money: money, date: date, message: message, gql: gql, showErrors: showErrors,
    confirm: confirm, start: start, framed: framed};
}());
