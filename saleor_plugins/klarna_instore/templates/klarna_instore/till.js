(function () {
  "use strict";
  var cfg = window.TILL, T = cfg.texts;
  var $ = function (id) { return document.getElementById(id); };
  var SALE = "id status paymentStatus tillName note cartVersion phone email orderNumber finishedAt " +
    "customer { id name email phone customerNumber } " +
    "lines { id isText name variantName sku quantity priceOverridden vatRate " +
    "listUnitPrice { amount } unitPrice { amount } priceChange { amount } total { amount } } " +
    "itemCount total { amount currency } vatTotal { amount } " +
    "vatGroups { rate vat { amount } gross { amount } } link { status sentTo sendCount }";
  var state = {token: sessionStorage.getItem("till.token"), sale: null, customerId: null, poll: null};

  function fmt(amount) {
    return new Intl.NumberFormat(cfg.language, {style: "currency", currency: cfg.currency})
      .format(Number(amount));
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; }).replace("%%", "%");
  }
  function show(el, on) { el.classList.toggle("hidden", !on); }

  function gql(query, variables) {
    var headers = {"Content-Type": "application/json", "Accept-Language": cfg.language};
    if (state.token) { headers.Authorization = "JWT " + state.token; }
    return fetch(cfg.api, {method: "POST", headers: headers,
      body: JSON.stringify({query: query, variables: variables || {}})})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.errors && body.errors.length) {
          var message = body.errors[0].message || T.error;
          if (/permission/i.test(message)) { logout(T.noPermission); }
          throw new Error(message);
        }
        return body.data;
      });
  }

  function mutate(name, args, variables, errorBox) {
    var types = Object.keys(args).map(function (k) { return "$" + k + ": " + args[k]; }).join(", ");
    var pass = Object.keys(args).map(function (k) { return k + ": $" + k; }).join(", ");
    var query = "mutation(" + types + ") { " + name + "(" + pass + ") { sale { " + SALE +
      " } tillErrors { field message code } } }";
    (errorBox || $("pay-error")).textContent = "";
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

  function ensureSale() {
    if (state.sale && (state.sale.status === "OPEN" || state.sale.status === "WAITING")) {
      return Promise.resolve(state.sale);
    }
    return mutate("tillSaleCreate", {tillName: "String", languageCode: "String"},
      {tillName: localStorage.getItem("till.name") || "", languageCode: cfg.language});
  }

  // -- login ---------------------------------------------------------------------------
  function logout(message) {
    state.token = null;
    sessionStorage.removeItem("till.token");
    show($("till"), false); show($("login"), true); show($("logout"), false);
    $("who").textContent = "";
    $("login-error").textContent = message || "";
    $("login-email").focus();
  }

  function start() {
    if (!state.token) { return logout(); }
    gql("{ me { email firstName lastName userPermissions { code } } }").then(function (data) {
      var me = data.me;
      var allowed = me && me.userPermissions.some(function (p) { return p.code === "USE_TILL"; });
      if (!allowed) { return logout(T.noPermission); }
      $("who").textContent = ((me.firstName + " " + me.lastName).trim() || me.email);
      show($("login"), false); show($("till"), true); show($("logout"), true);
      var saved = sessionStorage.getItem("till.sale");
      if (saved) {
        gql("query($id: ID!) { tillSale(id: $id) { " + SALE + " } }", {id: saved})
          .then(function (d) { if (d.tillSale) { render(d.tillSale); } });
      } else { render(null); }
      $("article").focus();
    }).catch(function () { logout(); });
  }

  if ($("login-form")) {
    $("login-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      gql("mutation($e: String!, $p: String!) { tokenCreate(email: $e, password: $p) { token errors { message } } }",
        {e: $("login-email").value, p: $("login-password").value}).then(function (data) {
        if (!data.tokenCreate.token) { $("login-error").textContent = T.loginFailed; return; }
        state.token = data.tokenCreate.token;
        sessionStorage.setItem("till.token", state.token);
        $("login-password").value = "";
        start();
      }).catch(function () { $("login-error").textContent = T.loginFailed; });
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
          mutate("tillLineUpdate", {saleId: "ID!", lineId: "ID!", quantity: "Int"},
            {saleId: sale.id, lineId: line.id, quantity: parseInt(q.value, 10)}, $("article-error"));
        });
        qty.appendChild(q);
      }
      var price = document.createElement("td");
      var p = document.createElement("input");
      p.className = "price"; p.inputMode = "decimal"; p.value = Number(line.unitPrice.amount).toFixed(2);
      p.setAttribute("aria-label", T.price + " " + line.name);
      p.disabled = !editable;
      p.addEventListener("change", function () {
        mutate("tillLineUpdate", {saleId: "ID!", lineId: "ID!", unitPrice: "Decimal"},
          {saleId: sale.id, lineId: line.id, unitPrice: p.value.replace(",", ".")}, $("article-error"));
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
        mutate("tillLineRemove", {saleId: "ID!", lineId: "ID!"}, {saleId: sale.id, lineId: line.id},
          $("article-error")).then(function () { $("article").focus(); });
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
        if (!state.sale) { return; }
        mutate("tillSaleRefresh", {saleId: "ID!"}, {saleId: state.sale.id}).catch(function () {});
      }, 2000);
    }
    if (!waiting && state.poll) { clearInterval(state.poll); state.poll = null; }
    if (status === "PAID" && !sale.finishedAt && document.activeElement !== $("ok")) { $("ok").focus(); }
  }

  // -- articles --------------------------------------------------------------------------
  function addVariant(variantId) {
    return ensureSale().then(function (sale) {
      return mutate("tillLineAdd", {saleId: "ID!", variantId: "ID"},
        {saleId: sale.id, variantId: variantId}, $("article-error"));
    }).then(function () {
      $("article").value = ""; show($("article-picks"), false); $("article").focus();
    });
  }

  function pickList(list, items, label, onPick) {
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
    if (items.length) { list.firstChild.firstChild.focus(); }
  }

  $("article-form") && $("article-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("article").value.trim();
    $("article-error").textContent = "";
    if (!text) { return; }
    gql("query($s: String!) { tillProducts(search: $s) { variantId productName variantName sku " +
      "price { amount } exactSku quantityAvailable } }", {s: text}).then(function (data) {
      var found = data.tillProducts;
      if (!found.length) { $("article-error").textContent = T.noMatch; return; }
      if (found[0].exactSku || found.length === 1) { return addVariant(found[0].variantId); }
      pickList($("article-picks"), found, function (p) {
        return [p.productName + (p.variantName ? " (" + p.variantName + ")" : "") + " · " + p.sku,
          fmt(p.price.amount)];
      }, function (p) { addVariant(p.variantId); });
    }).catch(function (e) { $("article-error").textContent = e.message; });
  });

  $("text-form") && $("text-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    ensureSale().then(function (sale) {
      return mutate("tillTextLineAdd", {saleId: "ID!", text: "String!", amount: "Decimal", vatRate: "Decimal"},
        {saleId: sale.id, text: $("text-text").value, amount: $("text-amount").value.replace(",", ".") || "0",
          vatRate: $("text-vat").value.replace(",", ".")}, $("article-error"));
    }).then(function () { $("text-text").value = ""; $("text-amount").value = "0"; $("article").focus(); });
  });

  // -- customer --------------------------------------------------------------------------
  function setCustomer(variables) {
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
          setCustomer({customerId: c.id}).then(function () {
            show($("customer-picks"), false); $("customer-search").value = ""; $("send").focus();
          });
        });
      });
  });
  ["phone", "email"].forEach(function (id) {
    $(id) && $(id).addEventListener("change", function () {
      setCustomer({customerId: state.customerId, phone: $("phone").value, email: $("email").value});
    });
  });

  // -- payment ---------------------------------------------------------------------------
  function saleAction(name, extra) {
    if (!state.sale) { return Promise.resolve(); }
    var args = {saleId: "ID!"}, vars = {saleId: state.sale.id};
    if (extra) { args.resend = "Boolean"; vars.resend = true; }
    return mutate(name, args, vars);
  }
  if ($("send")) {
    $("send").addEventListener("click", function () {
      var pending = $("phone").value !== (state.sale ? state.sale.phone : "") ||
        $("email").value !== (state.sale ? state.sale.email : "");
      (pending ? setCustomer({customerId: state.customerId, phone: $("phone").value, email: $("email").value})
        : Promise.resolve()).then(function () { return saleAction("tillPaymentSend"); }).catch(function () {});
    });
    $("resend").addEventListener("click", function () { saleAction("tillPaymentSend", true).catch(function () {}); });
    $("ok").addEventListener("click", function () { saleAction("tillSaleFinish").catch(function () {}); });
    $("cancel").addEventListener("click", function () { saleAction("tillSaleCancel").catch(function () {}); });
    $("new-sale").addEventListener("click", function () {
      sessionStorage.removeItem("till.sale"); render(null); $("pay-error").textContent = "";
      $("article").focus();
    });
    start();
  }
})();
