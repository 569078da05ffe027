(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var cfg = JSON.parse($("till-config").textContent), T = cfg.texts;
  var SALE = "id status paymentStatus tillName note cartVersion phone email orderNumber finishedAt " +
    "customer { id name email phone customerNumber } " +
    "lines { id isText name variantName sku quantity priceOverridden vatRate " +
    "listUnitPrice { amount } unitPrice { amount } priceChange { amount } total { amount } } " +
    "itemCount total { amount currency } vatTotal { amount } " +
    "vatGroups { rate vat { amount } gross { amount } } link { status sentTo sendCount }";
  var LOGIN = "token refreshToken tillErrors { field message code }";
  var AUTH_FAILURES = ["JSONWebTokenExpired", "JSONWebTokenError"];
  var state = {token: sessionStorage.getItem("till.token"),
    refreshToken: sessionStorage.getItem("till.refresh"),
    renewAt: Number(sessionStorage.getItem("till.renewAt")) || 0,
    refreshing: null, sale: null, customerId: null, poll: null,
    queue: Promise.resolve(), pending: 0};

  function fmt(amount) {
    return new Intl.NumberFormat(cfg.language, {style: "currency", currency: cfg.currency})
      .format(Number(amount));
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; }).replace("%%", "%");
  }
  function show(el, on) { el.classList.toggle("hidden", !on); }

  // -- requests: a short-lived till token, renewed with the refresh token -------------
  function post(query, variables, token, keepalive) {
    var headers = {"Content-Type": "application/json", "Accept-Language": cfg.language};
    if (token) { headers.Authorization = "JWT " + token; }
    return fetch(cfg.api, {method: "POST", headers: headers, keepalive: !!keepalive,
      credentials: "omit", body: JSON.stringify({query: query, variables: variables || {}})})
      .then(function (r) { return r.json(); });
  }

  function authFailed(body) {
    return (body.errors || []).some(function (e) {
      var code = e.extensions && e.extensions.exception && e.extensions.exception.code;
      return AUTH_FAILURES.indexOf(code) >= 0;
    });
  }

  function keepLogin(login) {
    // renew a little before the token's own lifetime is over (iat/exp: the server's clock)
    var claims = JSON.parse(atob(login.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    state.token = login.token;
    state.refreshToken = login.refreshToken;
    state.renewAt = Date.now() + Math.max(claims.exp - claims.iat - 30, 5) * 1000;
    sessionStorage.setItem("till.token", state.token);
    sessionStorage.setItem("till.refresh", state.refreshToken);
    sessionStorage.setItem("till.renewAt", String(state.renewAt));
  }

  function forgetLogin() {
    state.token = state.refreshToken = null;
    ["till.token", "till.refresh", "till.renewAt"].forEach(function (k) { sessionStorage.removeItem(k); });
  }

  function loginEnded() {
    logout(T.loginEnded);
    return new Error(T.loginEnded);
  }

  function renew() {  // one refresh at a time: a second one would present a used-up token
    if (!state.refreshToken) { return Promise.reject(loginEnded()); }
    if (!state.refreshing) {
      state.refreshing = post("mutation($r: String!) { tillTokenRefresh(refreshToken: $r) { " + LOGIN + " } }",
        {r: state.refreshToken}).then(function (body) {
        var result = body.data && body.data.tillTokenRefresh;
        if (!result || !result.token) { throw loginEnded(); }
        keepLogin(result);
        return result.token;
      }).finally(function () { state.refreshing = null; });
    }
    return state.refreshing;
  }

  function currentToken() {
    if (!state.refreshToken) { return Promise.reject(loginEnded()); }
    return state.token && Date.now() < state.renewAt ? Promise.resolve(state.token) : renew();
  }

  function gql(query, variables) {
    return currentToken().then(function (token) { return post(query, variables, token); })
      .then(function (body) {  // refused as expired or ended: renew once and ask again
        return authFailed(body) ? renew().then(function (token) { return post(query, variables, token); }) : body;
      })
      .then(function (body) {
        if (authFailed(body)) { throw loginEnded(); }
        if (body.errors && body.errors.length) {
          var message = body.errors[0].message || T.error;
          if (/permission/i.test(message)) { logout(T.noPermission); }
          throw new Error(message);
        }
        return body.data;
      });
  }

  // Cart changes run one after the other, in the order staff made them: each scan adds
  // one line to the same sale, and responses never overtake each other.
  function serial(task) {
    state.pending += 1;
    var run = state.queue.then(task);
    state.queue = run.catch(function () {}).then(function () { state.pending -= 1; });
    return run;
  }

  function mutate(name, args, variables, errorBox, keepError) {
    var types = Object.keys(args).map(function (k) { return "$" + k + ": " + args[k]; }).join(", ");
    var pass = Object.keys(args).map(function (k) { return k + ": $" + k; }).join(", ");
    var query = "mutation(" + types + ") { " + name + "(" + pass + ") { sale { " + SALE +
      " } tillErrors { field message code } } }";
    if (!keepError) { (errorBox || $("pay-error")).textContent = ""; }
    return gql(query, variables).then(function (data) {
      var result = data[name];
      if (result.tillErrors.length) {
        (errorBox || $("pay-error")).textContent = result.tillErrors[0].message;
        throw new Error(result.tillErrors[0].code);
      }
      render(result.sale);
      return result.sale;
    }).catch(function (e) {
      if (!(errorBox || $("pay-error")).textContent) { (errorBox || $("pay-error")).textContent = e.message; }
      throw e;
    });
  }

  function noop() {}

  function ensureSale() {  // only inside serial(): at most one tillSaleCreate at a time
    if (state.sale && (state.sale.status === "OPEN" || state.sale.status === "WAITING")) {
      return Promise.resolve(state.sale);
    }
    return mutate("tillSaleCreate", {tillName: "String", languageCode: "String"},
      {tillName: localStorage.getItem("till.name") || "", languageCode: cfg.language});
  }

  // -- login ---------------------------------------------------------------------------
  function logout(message) {
    if (state.refreshToken) {  // ends the login on the server: its tokens stop working
      post("mutation($r: String!) { tillLogout(refreshToken: $r) { loggedOut } }",
        {r: state.refreshToken}, null, true).catch(function () {});
    }
    forgetLogin();
    if (state.poll) { clearInterval(state.poll); state.poll = null; }
    show($("till"), false); show($("login"), true); show($("logout"), false);
    $("who").textContent = "";
    $("login-error").textContent = message || "";
    $("login-email").focus();
  }

  function start() {
    if (!state.refreshToken) { return logout(); }
    gql("{ me { email firstName lastName userPermissions { code } } }").then(function (data) {
      var me = data.me;
      var allowed = me && me.userPermissions.some(function (p) { return p.code === "USE_TILL"; });
      if (!allowed) { return logout(T.noPermission); }
      $("who").textContent = ((me.firstName + " " + me.lastName).trim() || me.email);
      show($("login"), false); show($("till"), true); show($("logout"), true);
      var saved = sessionStorage.getItem("till.sale");
      if (saved) {
        serial(function () {
          return gql("query($id: ID!) { tillSale(id: $id) { " + SALE + " } }", {id: saved})
            .then(function (d) { if (d.tillSale) { render(d.tillSale); } });
        }).catch(function () {});
      } else { render(null); }
      $("article").focus();
    }).catch(function () { if (state.refreshToken) { logout(); } });
  }

  if ($("login-form")) {
    $("login-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      $("login-error").textContent = "";
      post("mutation($e: String!, $p: String!) { tillLogin(email: $e, password: $p) { " + LOGIN + " } }",
        {e: $("login-email").value, p: $("login-password").value}).then(function (body) {
        var result = body.data && body.data.tillLogin;
        if (!result || !result.token) {
          $("login-error").textContent = result && result.tillErrors.length &&
            result.tillErrors[0].code !== "TILL_INVALID_CREDENTIALS" ?
            result.tillErrors[0].message : T.loginFailed;
          return;
        }
        keepLogin(result);
        $("login-password").value = "";
        start();
      }).catch(function () { $("login-error").textContent = T.error; });
    });
    $("logout").addEventListener("click", function () { logout(); });
  }
  $("lang").addEventListener("change", function () {
    location.search = "?lang=" + encodeURIComponent(this.value);
  });

  // -- rendering -------------------------------------------------------------------------
  function render(sale) {
    state.sale = sale;
    if (sale) { sessionStorage.setItem("till.sale", sale.id); }
    var body = $("cart-lines");
    body.textContent = "";
    var lines = sale ? sale.lines : [];
    var editable = !sale || sale.status === "OPEN" || sale.status === "WAITING";
    lines.forEach(function (line) {
      var tr = document.createElement("tr");
      if (line.isText) { tr.className = "text-line"; }
      var name = document.createElement("td");
      name.textContent = line.name + (line.variantName ? " (" + line.variantName + ")" : "");
      if (line.sku) {
        var sku = document.createElement("div"); sku.className = "hint"; sku.textContent = line.sku;
        name.appendChild(sku);
      }
      var qty = document.createElement("td");
      if (!line.isText) {
        var q = document.createElement("input");
        q.type = "number"; q.min = 1; q.className = "qty"; q.value = line.quantity;
        q.setAttribute("aria-label", T.quantity + " " + line.name);
        q.disabled = !editable;
        q.addEventListener("change", function () {
          serial(function () {
            return mutate("tillLineUpdate", {saleId: "ID!", lineId: "ID!", quantity: "Int"},
              {saleId: sale.id, lineId: line.id, quantity: parseInt(q.value, 10)}, $("article-error"));
          }).catch(noop);
        });
        qty.appendChild(q);
      }
      var price = document.createElement("td");
      var p = document.createElement("input");
      p.className = "price"; p.inputMode = "decimal"; p.value = Number(line.unitPrice.amount).toFixed(2);
      p.setAttribute("aria-label", T.price + " " + line.name);
      p.disabled = !editable;
      p.addEventListener("change", function () {
        serial(function () {
          return mutate("tillLineUpdate", {saleId: "ID!", lineId: "ID!", unitPrice: "Decimal"},
            {saleId: sale.id, lineId: line.id, unitPrice: p.value.replace(",", ".")}, $("article-error"));
        }).catch(noop);
      });
      price.appendChild(p);
      if (line.priceOverridden) {
        var change = document.createElement("div");
        change.className = "change";
        change.textContent = fill(T.listPrice, {price: fmt(line.listUnitPrice.amount)}) + " (" +
          (Number(line.priceChange.amount) > 0 ? "+" : "") + fmt(line.priceChange.amount) + ")";
        price.appendChild(change);
      }
      var sum = document.createElement("td");
      sum.className = "num line-total"; sum.textContent = fmt(line.total.amount);
      var remove = document.createElement("td");
      var r = document.createElement("button");
      r.type = "button"; r.textContent = "✕"; r.title = T.remove;
      r.setAttribute("aria-label", T.remove + " " + line.name);
      r.disabled = !editable;
      r.addEventListener("click", function () {
        serial(function () {
          return mutate("tillLineRemove", {saleId: "ID!", lineId: "ID!"}, {saleId: sale.id, lineId: line.id},
            $("article-error"));
        }).then(function () { $("article").focus(); }, noop);
      });
      remove.appendChild(r);
      [name, qty, price, sum, remove].forEach(function (td) { tr.appendChild(td); });
      body.appendChild(tr);
    });
    $("item-count").textContent = sale ? sale.itemCount : 0;
    $("total").textContent = sale ? fmt(sale.total.amount) : fmt(0);
    $("vat-total").textContent = sale ? fmt(sale.vatTotal.amount) : fmt(0);
    var vat = $("vat-lines");
    vat.textContent = "";
    (sale ? sale.vatGroups : []).forEach(function (g) {
      var label = document.createElement("span");
      label.textContent = fill(T.vatRate, {rate: Number(g.rate).toLocaleString(cfg.language)});
      var value = document.createElement("span");
      value.className = "vat-group val"; value.textContent = fmt(g.vat.amount);
      vat.appendChild(label); vat.appendChild(value);
    });
    if (sale) {
      if (document.activeElement !== $("phone")) { $("phone").value = sale.phone; }
      if (document.activeElement !== $("email")) { $("email").value = sale.email; }
      state.customerId = sale.customer ? sale.customer.id : null;
      $("customer-chosen").textContent = sale.customer ?
        (sale.customer.name || sale.customer.email) + " · #" + sale.customer.customerNumber : "";
    } else {
      $("phone").value = ""; $("email").value = ""; $("customer-chosen").textContent = "";
      state.customerId = null;
    }
    renderPayment(sale);
  }

  function renderPayment(sale) {
    var status = sale ? sale.status : "OPEN";
    var payment = sale ? sale.paymentStatus : "NOT_SENT";
    var box = $("waiting");
    var waiting = status === "WAITING" || status === "PLACING";
    box.className = "status" + (status === "PAID" ? " paid" : "") +
      (status === "CANCELLED" || payment === "DECLINED" || payment === "CANCELLED_BY_CUSTOMER" ? " bad" : "");
    show(box, waiting || status === "PAID" || status === "CANCELLED");
    $("waiting-title").textContent = status === "PAID" ? (sale.finishedAt ?
      fill(T.finished, {number: sale.orderNumber}) : T.paidDone) :
      status === "CANCELLED" ? T.cancelled : T.waiting;
    $("payment-status").textContent = T[payment] || payment;
    $("payment-status").dataset.status = payment;
    $("sent-to").textContent = sale && sale.link && sale.link.sentTo ?
      fill(T.sentTo, {to: sale.link.sentTo}) : "";
    $("send").disabled = !sale || !sale.lines.length || waiting || status === "PAID" || status === "CANCELLED";
    $("ok").disabled = status !== "PAID" || !!(sale && sale.finishedAt);
    show($("resend"), waiting);
    $("cancel").disabled = !sale || status === "PAID" || status === "CANCELLED";
    var done = status === "CANCELLED" || (status === "PAID" && sale.finishedAt);
    show($("new-sale"), done);
    if (waiting && !state.poll) {
      state.poll = setInterval(function () {
        if (!state.sale || state.pending) { return; }  // a staff action is on its way
        serial(function () {
          return state.sale ? mutate("tillSaleRefresh", {saleId: "ID!"}, {saleId: state.sale.id}) : null;
        }).catch(noop);
      }, 2000);
    }
    if (!waiting && state.poll) { clearInterval(state.poll); state.poll = null; }
    if (status === "PAID" && !sale.finishedAt && document.activeElement !== $("ok")) { $("ok").focus(); }
  }

  // -- articles --------------------------------------------------------------------------
  function addVariant(variantId) {  // inside serial()
    return ensureSale().then(function (sale) {
      return mutate("tillLineAdd", {saleId: "ID!", variantId: "ID"},
        {saleId: sale.id, variantId: variantId}, $("article-error"), true);
    }).then(function () {
      show($("article-picks"), false);
      if (document.activeElement !== $("article")) { $("article").focus(); }
    });
  }

  function findAndAdd(text) {  // inside serial(): a scan or a typed search
    return gql("query($s: String!) { tillProducts(search: $s) { variantId productName variantName sku " +
      "price { amount } exactSku quantityAvailable } }", {s: text}).then(function (data) {
      var found = data.tillProducts;
      if (!found.length) { $("article-error").textContent = fill(T.noMatch, {text: text}); return; }
      if (found[0].exactSku || found.length === 1) { return addVariant(found[0].variantId); }
      pickList($("article-picks"), found, function (p) {
        return [p.productName + (p.variantName ? " (" + p.variantName + ")" : "") + " · " + p.sku,
          fmt(p.price.amount)];
      }, function (p) {
        serial(function () { return addVariant(p.variantId); }).catch(noop);
      }, state.pending > 1);  // more scans queued: the scanner keeps typing into the field
    });
  }

  function pickList(list, items, label, onPick, keepFocus) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      var left = document.createElement("span"); left.textContent = label(item)[0];
      var right = document.createElement("span"); right.textContent = label(item)[1];
      b.appendChild(left); b.appendChild(right);
      b.addEventListener("click", function () { onPick(item); });
      b.addEventListener("keydown", function (ev) {
        var next = ev.key === "ArrowDown" ? li.nextSibling : ev.key === "ArrowUp" ? li.previousSibling : null;
        if (next) { ev.preventDefault(); next.firstChild.focus(); }
      });
      li.appendChild(b); list.appendChild(li);
    });
    show(list, items.length > 0);
    if (items.length && !keepFocus) { list.firstChild.firstChild.focus(); }
  }

  $("article-form") && $("article-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    // Empty the field at once: the next scan must not be appended to this one.
    var text = $("article").value.trim();
    $("article").value = "";
    if (!text) { return; }
    if (!state.pending) { $("article-error").textContent = ""; }
    serial(function () { return findAndAdd(text); }).catch(function (e) {
      if (!$("article-error").textContent) { $("article-error").textContent = e.message; }
    });
  });

  $("text-form") && $("text-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var line = {text: $("text-text").value, amount: $("text-amount").value.replace(",", ".") || "0",
      vatRate: $("text-vat").value.replace(",", ".")};
    serial(function () {
      return ensureSale().then(function (sale) {
        line.saleId = sale.id;
        return mutate("tillTextLineAdd", {saleId: "ID!", text: "String!", amount: "Decimal", vatRate: "Decimal"},
          line, $("article-error"));
      });
    }).then(function () { $("text-text").value = ""; $("text-amount").value = "0"; $("article").focus(); }, noop);
  });

  // -- customer --------------------------------------------------------------------------
  function setCustomer(variables) {  // inside serial()
    return ensureSale().then(function (sale) {
      variables.saleId = sale.id;
      return mutate("tillCustomerSet", {saleId: "ID!", customerId: "ID", phone: "String", email: "String"},
        variables, $("customer-error"));
    });
  }
  $("customer-form") && $("customer-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("customer-search").value.trim();
    $("customer-error").textContent = "";
    if (!text) { return; }
    gql("query($s: String!) { tillCustomers(search: $s) { id customerNumber name email phone } }", {s: text})
      .then(function (data) {
        var found = data.tillCustomers;
        if (!found.length) { $("customer-error").textContent = T.noCustomer; return; }
        pickList($("customer-picks"), found, function (c) {
          return [(c.name || c.email) + " · #" + c.customerNumber, c.phone || c.email];
        }, function (c) {
          serial(function () { return setCustomer({customerId: c.id}); }).then(function () {
            show($("customer-picks"), false); $("customer-search").value = ""; $("send").focus();
          }, noop);
        });
      }).catch(function (e) { $("customer-error").textContent = e.message; });
  });
  ["phone", "email"].forEach(function (id) {
    $(id) && $(id).addEventListener("change", function () {
      var typed = {phone: $("phone").value, email: $("email").value};
      serial(function () {
        typed.customerId = state.customerId;
        return setCustomer(typed);
      }).catch(noop);
    });
  });

  // -- payment ---------------------------------------------------------------------------
  function saleAction(name, extra) {  // inside serial(): acts on the sale as it is then
    if (!state.sale) { return Promise.resolve(); }
    var args = {saleId: "ID!"}, vars = {saleId: state.sale.id};
    if (extra) { args.resend = "Boolean"; vars.resend = true; }
    return mutate(name, args, vars);
  }
  function onClick(id, task) {
    $(id).addEventListener("click", function () { serial(task).catch(noop); });
  }
  if ($("send")) {
    onClick("send", function () {
      var unsaved = $("phone").value !== (state.sale ? state.sale.phone : "") ||
        $("email").value !== (state.sale ? state.sale.email : "");
      return (unsaved ? setCustomer({customerId: state.customerId, phone: $("phone").value,
        email: $("email").value}) : Promise.resolve()).then(function () { return saleAction("tillPaymentSend"); });
    });
    onClick("resend", function () { return saleAction("tillPaymentSend", true); });
    onClick("ok", function () { return saleAction("tillSaleFinish"); });
    onClick("cancel", function () { return saleAction("tillSaleCancel"); });
    onClick("new-sale", function () {
      sessionStorage.removeItem("till.sale"); render(null); $("pay-error").textContent = "";
      $("article").focus();
    });
    start();
  }
})();
