/* The subscriber's self-service page. Two ways in: the signed link of a subscription e-mail
 * (exchanged by subscriptionAccessTokenCreate for a one-hour access token sent as the
 * X-Subscription-Access header: the package's subscription operations only), or the
 * customer's Saleor account (tokenCreate, a JWT). Everything goes through /graphql/ with the
 * API's own rules and typed errors. It uses staff.js's helpers only (StaffPage.el, t, date,
 * message, showErrors, confirm), never its staff login. No innerHTML (Trusted Types). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var cfg = JSON.parse($("page-config").textContent), key = cfg.storageKey;
  var state = {mode: null, token: null, expiresAt: 0, link: null, renewing: null};
  var AUTH_CODES = ["JSONWebTokenExpired", "JSONWebTokenError", "ExpiredSignatureError",
    "InvalidTokenError", "DecodeError", "PermissionDenied"];
  var FIELDS = "id status productName variantName quantity interval nextDeliveryDate " +
    "pausedUntil deliveriesTotal deliveriesMade comment renewalTotal { amount currency } " +
    "plan { intervals maxDeliveries } shippingAddress { firstName lastName streetAddress1 " +
    "postalCode city country { code } }";
  var ERRORS = "subscriptionErrors { field message code }";
  var OPS = {
    pause: "mutation($id: ID!, $until: Date!) { productSubscriptionPause(id: $id, until: $until) { subscription { " + FIELDS + " } " + ERRORS + " } }",
    resume: "mutation($id: ID!) { productSubscriptionResume(id: $id) { subscription { " + FIELDS + " } " + ERRORS + " } }",
    skip: "mutation($id: ID!) { productSubscriptionSkipNext(id: $id) { subscription { " + FIELDS + " } " + ERRORS + " } }",
    cancel: "mutation($id: ID!) { productSubscriptionCancel(id: $id) { subscription { " + FIELDS + " } " + ERRORS + " } }",
    extend: "mutation($id: ID!, $deliveries: Int!) { productSubscriptionExtend(id: $id, deliveries: $deliveries) { subscription { " + FIELDS + " } " + ERRORS + " } }",
    update: "mutation($id: ID!, $input: ProductSubscriptionUpdateInput!) { productSubscriptionUpdate(id: $id, input: $input) { subscription { " + FIELDS + " } " + ERRORS + " } }"
  };
  var MINE = "{ mySubscriptions { " + FIELDS + " } }";
  var EXCHANGE = "mutation($link: String!) { subscriptionAccessTokenCreate(link: $link) { access { accessToken expiresAt customerEmail } " + ERRORS + " } }";
  var METHODS = "query($id: ID!, $country: CountryCode) { productSubscription(id: $id) { availableShippingMethods(country: $country) { id name } } }";

  // the shared script's helpers (DOM without innerHTML, texts, dates, money, messages,
  // typed errors beside fields, the confirmation dialog); never its staff login
  var P = window.StaffPage, t = P.t, show = P.show, el = P.el, clear = P.clear;
  var date = P.date, message = P.message, showErrors = P.showErrors, confirmDialog = P.confirm;
  function money(m) { return m ? P.money(m.amount, m.currency) : ""; }
  function every(code) {
    var match = /^(\d+)([dwm])$/.exec(code || "");
    if (!match) { return code; }
    return match[1] === "1" ? t("every.1" + match[2]) : t("every." + match[2], {n: match[1]});
  }
  // -- the session: a link's access token or a customer's JWT ------------------------------
  function remember() {
    ["mode", "token", "expiresAt", "link"].forEach(function (name) {
      if (state[name]) { sessionStorage.setItem(key + "." + name, String(state[name])); }
      else { sessionStorage.removeItem(key + "." + name); }
    });
  }
  function restore() {
    state.mode = sessionStorage.getItem(key + ".mode");
    state.token = sessionStorage.getItem(key + ".token");
    state.link = sessionStorage.getItem(key + ".link");
    state.expiresAt = Number(sessionStorage.getItem(key + ".expiresAt")) || 0;
  }
  function forget() { state = {mode: null, token: null, expiresAt: 0, link: null, renewing: null}; remember(); }
  function post(query, variables, withAuth) {
    var headers = {"Content-Type": "application/json", "Accept-Language": cfg.language};
    if (withAuth && state.token) {
      if (state.mode === "link") { headers[cfg.accessHeader] = state.token; }
      else { headers.Authorization = "JWT " + state.token; }
    }
    return fetch(cfg.api, {method: "POST", headers: headers, credentials: "omit",
      body: JSON.stringify({query: query, variables: variables || {}})})
      .then(function (r) { return r.json(); });
  }
  function jwtExpiry(token) {
    try {
      var c = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return c.exp && c.iat ? Date.now() + Math.max(c.exp - c.iat - 30, 5) * 1000 : 0;
    } catch (e) { return 0; }
  }
  function exchange(link) {
    return post(EXCHANGE, {link: link}, false).then(function (body) {
      var result = body.data && body.data.subscriptionAccessTokenCreate;
      if (!result || !result.access) {
        var errors = (result && result.subscriptionErrors) || [];
        throw new Error(errors.length ? errors[0].message : t("linkEnded"));
      }
      state.mode = "link";
      state.link = link;
      state.token = result.access.accessToken;
      state.expiresAt = Date.parse(result.access.expiresAt) - 60000;
      state.who = result.access.customerEmail;
      remember();
      return result.access.customerEmail;
    });
  }
  function renew() {
    if (!state.renewing) {
      state.renewing = (state.mode === "link" ? exchange(state.link) :
        post(cfg.login.refresh, {token: state.token}, false).then(function (body) {
          var fresh = body.data && body.data.tokenRefresh && body.data.tokenRefresh.token;
          if (!fresh) { throw new Error(t("loginEnded")); }
          state.token = fresh;
          state.expiresAt = jwtExpiry(fresh);
          remember();
        })).finally(function () { state.renewing = null; });
    }
    return state.renewing;
  }
  function authFailed(body) {
    return (body.errors || []).some(function (e) {
      var ext = e.extensions || {}, code = ext.code || (ext.exception && ext.exception.code);
      return AUTH_CODES.indexOf(code) >= 0;
    });
  }
  function ended(error) {
    var text = state.mode === "link" ? t("linkEnded") : t("loginEnded");
    forget();
    showLogin(text);
    throw error || new Error(text);
  }
  function gql(query, variables) {
    var ready = state.expiresAt && Date.now() > state.expiresAt ? renew() : Promise.resolve();
    return ready.catch(ended).then(function () { return post(query, variables, true); })
      .then(function (body) {
        if (authFailed(body)) { return renew().then(function () { return post(query, variables, true); }, ended); }
        return body;
      }).then(function (body) {
        if (authFailed(body)) { ended(); }
        if (body.errors && body.errors.length) { throw new Error(body.errors[0].message); }
        return body.data;
      });
  }

  // -- login --------------------------------------------------------------------------------
  function showLogin(text) {
    show($("page"), false);
    show($("page-logout"), false);
    $("page-who").textContent = "";
    show($("page-login"), true);
    $("page-login-error").textContent = text || "";
    $("page-login-email").focus();
  }
  function logIn(event) {
    event.preventDefault();
    post(cfg.login.create, {email: $("page-login-email").value,
      password: $("page-login-password").value}, false).then(function (body) {
      var result = body.data && body.data.tokenCreate;
      if (!result || !result.token) { $("page-login-error").textContent = t("loginFailed"); return; }
      $("page-login-password").value = "";
      state.mode = "jwt";
      state.token = result.token;
      state.expiresAt = jwtExpiry(result.token);
      state.link = null;
      remember();
      enter($("page-login-email").value);
    }).catch(function () { $("page-login-error").textContent = t("error"); });
  }
  function enter(who) {
    show($("page-login"), false);
    var problem = $("link-problem");
    if (problem) { show(problem, false); }
    $("page-who").textContent = who || "";
    if (state.mode === "link") { $("page-who").setAttribute("title", t("viaLink")); }
    else { $("page-who").removeAttribute("title"); }
    sessionStorage.setItem(key + ".who", who || "");
    show($("page-logout"), true);
    show($("page"), true);
    return load();
  }

  // -- the subscriptions ------------------------------------------------------------------
  var list = [];
  function load() {
    return gql(MINE).then(function (data) {
      list = data.mySubscriptions;
      show($("page-loading"), false);
      render();
    }).catch(function (error) { if (state.token) { message(error.message || t("error"), true); } });
  }
  function render() {
    var box = clear($("subscriptions"));
    if (!list.length) { box.appendChild(el("p", {class: "hint", text: t("empty")})); return; }
    list.forEach(function (sub) { box.appendChild(card(sub)); });
  }
  function replace(sub) {
    list = list.map(function (old) { return old.id === sub.id ? sub : old; });
    render();
    var again = document.querySelector('[data-id="' + sub.id + '"] h2');
    if (again) { again.focus(); }
  }
  // run(op, variables, form, done): the mutation; typed errors beside the form's fields
  function run(op, variables, form, done) {
    var name = Object.keys(OPS).indexOf(op) >= 0 ? op : "update";
    return gql(OPS[name], variables).then(function (data) {
      var result = data[Object.keys(data)[0]];
      if (result.subscriptionErrors.length) {
        if (form) { showErrors(form, result.subscriptionErrors); }
        else { message(result.subscriptionErrors.map(function (e) { return e.message; }).join(" "), true); }
        return result.subscriptionErrors;
      }
      replace(result.subscription);
      message(done(result.subscription));
      return [];
    }).catch(function (error) { message(error.message || t("error"), true); });
  }
  function field(labelText, input) {
    var id = "f-" + Math.random().toString(36).slice(2);
    input.id = id;
    return el("div", {}, [el("label", {for: id, text: labelText}), input]);
  }
  function panel(sub, name, children, submit) {
    var form = el("form", {class: "hidden", "data-panel": name, novalidate: true}, children.concat([
      el("div", {class: "actions"}, [
        el("button", {type: "submit", class: "primary", text: t("save")}),
        el("button", {type: "button", text: t("close"), onclick: function () { show(form, false); }})
      ])]));
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(form); });
    return form;
  }
  function card(sub) {
    var over = sub.status === "CANCELLED" || sub.status === "COMPLETED";
    var status = sub.status.toLowerCase();
    var address = sub.shippingAddress || {};
    var name = sub.productName + (sub.variantName && sub.variantName !== sub.productName ? " (" + sub.variantName + ")" : "");
    var details = [
      [t("nextDelivery"), over ? "–" : date(sub.nextDeliveryDate)],
      [t("interval"), every(sub.interval)],
      [t("quantity"), String(sub.quantity)],
      [t("nextPayment"), over ? "–" : money(sub.renewalTotal)]
    ];
    if (sub.pausedUntil) { details.push([t("pausedUntil"), date(sub.pausedUntil)]); }
    if (sub.deliveriesTotal) { details.push([t("deliveries"), t("deliveriesOf", {made: sub.deliveriesMade, total: sub.deliveriesTotal})]); }
    details.push([t("address"), [address.firstName, address.lastName].join(" ").trim() + ", " +
      [address.streetAddress1, [address.postalCode, address.city].join(" "), address.country && address.country.code].filter(Boolean).join(", ")]);
    details.push([t("comment"), sub.comment || t("noComment")]);
    var dl = el("dl", {}, []);
    details.forEach(function (row) { dl.appendChild(el("dt", {text: row[0]})); dl.appendChild(el("dd", {text: row[1]})); });

    var until = el("input", {type: "date", "data-field": "until", required: true});
    var pauseForm = panel(sub, "pause", [field(t("pauseUntil"), until)], function (form) {
      run("pause", {id: sub.id, until: until.value}, form, function (s) { return t("paused", {date: date(s.pausedUntil)}); });
    });
    var intervalInput = el("select", {"data-field": "interval"}, ((sub.plan && sub.plan.intervals) || [sub.interval]).map(function (code) {
      return el("option", {value: code, selected: code === sub.interval, text: every(code)});
    }));
    var quantityInput = el("input", {type: "number", min: "1", value: String(sub.quantity), "data-field": "quantity", inputmode: "numeric"});
    var changeForm = panel(sub, "change", [field(t("interval"), intervalInput), field(t("quantity"), quantityInput)], function (form) {
      run("update", {id: sub.id, input: {interval: intervalInput.value, quantity: Number(quantityInput.value)}}, form, function () { return t("saved"); });
    });
    var addressInputs = {};
    var addressFields = [["firstName", "firstName"], ["lastName", "lastName"], ["streetAddress1", "street"],
      ["postalCode", "postalCode"], ["city", "city"], ["country", "country"]].map(function (pair) {
      var value = pair[0] === "country" ? (address.country && address.country.code) : address[pair[0]];
      addressInputs[pair[0]] = el("input", {type: "text", value: value || "", "data-field": pair[0],
        autocomplete: {firstName: "given-name", lastName: "family-name", streetAddress1: "address-line1",
          postalCode: "postal-code", city: "address-level2", country: "country"}[pair[0]]});
      return field(t(pair[1]), addressInputs[pair[0]]);
    });
    var methodInput = el("select", {"data-field": "shippingMethodId"}, []);
    var methodField = field(t("shippingMethod"), methodInput);
    show(methodField, false);
    var addressForm = panel(sub, "address", addressFields.concat([methodField]), function (form) {
      var input = {shippingAddress: {}};
      Object.keys(addressInputs).forEach(function (k) { input.shippingAddress[k] = addressInputs[k].value.trim(); });
      input.shippingAddress.country = input.shippingAddress.country.toUpperCase();
      if (!methodField.classList.contains("hidden") && methodInput.value) { input.shippingMethodId = methodInput.value; }
      run("update", {id: sub.id, input: input}, form, function () { return t("saved"); }).then(function (errors) {
        var unavailable = (errors || []).some(function (e) { return e.code === "SUBSCRIPTION_SHIPPING_METHOD_UNAVAILABLE"; });
        if (!unavailable) { return; }
        gql(METHODS, {id: sub.id, country: input.shippingAddress.country}).then(function (data) {
          clear(methodInput);
          (data.productSubscription ? data.productSubscription.availableShippingMethods : []).forEach(function (m) {
            methodInput.appendChild(el("option", {value: m.id, text: m.name}));
          });
          show(methodField, true);
          message(t("chooseMethod"), true);
          methodInput.focus();
        });
      });
    });
    var commentInput = el("textarea", {"data-field": "comment", maxlength: "1000"}, []);
    commentInput.value = sub.comment || "";
    var commentForm = panel(sub, "comment", [field(t("comment"), commentInput)], function (form) {
      run("update", {id: sub.id, input: {comment: commentInput.value}}, form, function () { return t("saved"); });
    });
    var extendInput = el("input", {type: "number", min: "1", value: "1", "data-field": "deliveries", inputmode: "numeric"});
    var extendForm = panel(sub, "extend", [field(t("extendBy"), extendInput)], function (form) {
      run("extend", {id: sub.id, deliveries: Number(extendInput.value)}, form, function () { return t("saved"); });
    });
    var forms = [pauseForm, changeForm, addressForm, commentForm, extendForm];
    function opener(form, label) {
      return el("button", {type: "button", text: label, "aria-expanded": "false",
        "data-action": form.getAttribute("data-panel"), onclick: function () {
        forms.forEach(function (f) { if (f !== form) { show(f, false); } });
        show(form, form.classList.contains("hidden"));
        this.setAttribute("aria-expanded", String(!form.classList.contains("hidden")));
        var first = form.querySelector("input,select,textarea");
        if (first && !form.classList.contains("hidden")) { first.focus(); }
      }});
    }
    var buttons = [];
    if (!over) {
      if (sub.status === "PAUSED") {
        buttons.push(el("button", {type: "button", class: "primary", "data-action": "resume", text: t("resume"), onclick: function () {
          run("resume", {id: sub.id}, null, function (s) { return t("resumed", {date: date(s.nextDeliveryDate)}); });
        }}));
      } else {
        buttons.push(opener(pauseForm, t("pause")));
        buttons.push(el("button", {type: "button", "data-action": "skip", text: t("skip"), onclick: function () {
          confirmDialog(t("confirmSkip", {name: name, date: date(sub.nextDeliveryDate)}), t("confirmSkipOk")).then(function (ok) {
            if (ok) { run("skip", {id: sub.id}, null, function (s) { return t("skipped", {date: date(s.nextDeliveryDate)}); }); }
          });
        }}));
      }
      buttons.push(opener(changeForm, t("change")), opener(addressForm, t("changeAddress")));
    }
    buttons.push(opener(commentForm, t("leaveComment")));
    if (sub.deliveriesTotal) { buttons.push(opener(extendForm, t("extend"))); }
    if (!over) {
      buttons.push(el("button", {type: "button", class: "danger", "data-action": "cancel", text: t("cancelSubscription"), onclick: function () {
        confirmDialog(t("confirmCancel", {name: name}), t("confirmCancelOk")).then(function (ok) {
          if (ok) { run("cancel", {id: sub.id}, null, function () { return t("cancelled"); }); }
        });
      }}));
    }
    return el("article", {class: "card", "data-id": sub.id}, [
      el("h2", {tabindex: "-1"}, [el("span", {text: name}), el("span", {class: "badge " + status, text: t("status." + status)})]),
      dl, el("div", {class: "actions"}, buttons)].concat(forms));
  }

  // -- start --------------------------------------------------------------------------------
  $("page-lang").addEventListener("change", function () {
    var url = new URL(window.location.href);
    url.searchParams.set("lang", this.value);
    window.location.assign(url.toString());
  });
  if (!$("page-login-form")) { return; }  // subscriptions are switched off
  $("page-login-form").addEventListener("submit", logIn);
  $("page-logout").addEventListener("click", function () { forget(); showLogin(""); });
  var url = new URL(window.location.href), link = url.searchParams.get("link");
  if (link) {  // the link leaves the address bar (and the history) once read
    url.searchParams.delete("link");
    window.history.replaceState(null, "", url.pathname + url.search);
  }
  if (link && cfg.linkState === "valid") {
    forget();
    exchange(link).then(enter, function (error) { showLogin(error.message); });
  } else if (link) {
    forget();
    showLogin("");
  } else {
    restore();
    if (state.token) { enter(sessionStorage.getItem(key + ".who") || ""); } else { showLogin(""); }
  }
}());
