/* Subscriptions for staff (MANAGE_SUBSCRIPTIONS): the list, one subscription and its actions,
 * upcoming orders, picking lists, plans and holidays. Only the package's GraphQL API. */
(function () {
  "use strict";
  var P = window.StaffPage, el = P.el, t = P.t, $ = P.$;
  var PAGE_SIZE = P.config.pageSize || 20;
  var Q = P.config.documents;  // staff_documents.py
  var list = {offset: 0, filter: {}}, current = null;

  function iso(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }
  function inDays(n) { var d = new Date(); d.setDate(d.getDate() + n); return iso(d); }
  function customerName(sub) {
    var a = sub.shippingAddress || {};
    var name = [a.firstName, a.lastName].filter(Boolean).join(" ");
    return name ? name + " (" + sub.customerEmail + ")" : sub.customerEmail;
  }
  function productName(sub) {
    return sub.variantName ? sub.productName + " (" + sub.variantName + ")" : sub.productName;
  }
  function status(code) {
    var on = code === "ACTIVE", off = code === "CANCELLED" || code === "PAYMENT_REQUIRED";
    return el("span", {class: "badge" + (on ? " on" : off ? " off" : ""), text: t("status_" + code)});
  }
  function cell(label, content, cls) {
    return el("td", {"data-label": label, class: cls || null},
      [typeof content === "string" || typeof content === "number" ? String(content) : content]);
  }
  function amount(m) { return m ? P.money(m.amount, m.currency) : ""; }
  function orderNumber(id) {
    try { return "#" + atob(id).split(":").pop(); } catch (e) { return id; }
  }
  // top-level errors of a query: the arguments' problems beside their inputs
  function queryFailed(form) {
    return function (failure) {
      if (!failure || !failure.errors) { P.message(t("error"), true); return; }
      P.showErrors(form, failure.errors.map(function (e) {
        var ext = e.extensions || {};
        return {field: ext.field || null, message: e.message};
      }));
    };
  }
  function known(key, otherwise) { return P.config.texts[key] === undefined ? otherwise : t(key); }
  // only the answer to the latest request of a kind is shown (a slow older one is dropped)
  var requests = {};
  function latest(kind) {
    var number = requests[kind] = (requests[kind] || 0) + 1;
    return function () { return requests[kind] === number; };
  }
  function payloadOf(data) { return data[Object.keys(data)[0]]; }

  // -- views ----------------------------------------------------------------------------
  var loaders = {};
  function route() {
    var hash = window.location.hash.slice(1) || "list", view = hash.split("/")[0];
    if (!$("view-" + view)) { view = "list"; }
    Array.prototype.forEach.call(document.querySelectorAll("main section[data-view]"), function (s) {
      P.show(s, s.getAttribute("data-view") === view);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".subs-tabs a"), function (a) {
      var here = a.getAttribute("data-view") === (view === "detail" ? "list" : view);
      if (here) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
    });
    P.message("");
    if (loaders[view]) { loaders[view](hash.split("/").slice(1).join("/")); }
  }
  function focusHeading(id) { var h = $(id); if (h) { h.setAttribute("tabindex", "-1"); h.focus(); } }

  // -- the list --------------------------------------------------------------------------
  function readFilter() {
    var filter = {};
    if ($("filter-status").value) { filter.status = [$("filter-status").value]; }
    ["product", "customer"].forEach(function (name) {
      var value = $("filter-" + name).value.trim();
      if (value) { filter[name] = value; }
    });
    if ($("filter-from").value) { filter.nextDeliveryFrom = $("filter-from").value; }
    if ($("filter-to").value) { filter.nextDeliveryTo = $("filter-to").value; }
    return filter;
  }
  function loadList() {
    var rows = $("list-rows"), shown = latest("list");
    return P.gql(Q.list, {filter: list.filter, first: PAGE_SIZE + 1, offset: list.offset})
      .then(function (data) {
        if (!shown()) { return; }
        var found = data.productSubscriptions, more = found.length > PAGE_SIZE;
        P.clear(rows);
        found.slice(0, PAGE_SIZE).forEach(function (sub) {
          rows.appendChild(el("tr", {}, [
            cell(t("customer"), customerName(sub)),
            cell(t("product"), productName(sub) + " × " + sub.quantity),
            cell(t("interval"), sub.interval),
            cell(t("nextDelivery"), P.date(sub.nextDeliveryDate)),
            cell(t("statusLabel"), status(sub.status)),
            cell(t("nextCharge"), amount(sub.renewalTotal), "num"),
            cell("", el("a", {href: "#detail/" + encodeURIComponent(sub.id), class: "button",
              text: t("open"), "aria-label": t("openOf", {name: customerName(sub)})}))
          ]));
        });
        P.show($("list-empty"), found.length === 0);
        $("list-prev").disabled = list.offset === 0;
        $("list-next").disabled = !more;
        $("list-page").textContent = found.length ? t("rows", {
          first: list.offset + 1, last: list.offset + Math.min(found.length, PAGE_SIZE)}) : "";
      }, queryFailed($("list-filters")));
  }
  loaders.list = function () { loadList(); };

  // -- one subscription --------------------------------------------------------------------
  function fact(list, term, value) {
    if (value === null || value === undefined || value === "") { return; }
    list.appendChild(el("div", {}, [el("dt", {text: term}), el("dd", {}, [value])]));
  }
  function paymentState(sub) {
    var last = sub.renewals.length ? sub.renewals[sub.renewals.length - 1] : null;
    if (sub.status === "PAYMENT_REQUIRED") { return t("payNeedsMethod"); }
    if (last && last.status === "RETRYING") {
      return t("payRetrying", {date: P.date(last.retryOn), days: last.failedDays});
    }
    if (last && last.status === "UNRESOLVED") { return t("payUnresolved"); }
    return sub.billing === "MONTHLY" ? t("payMonthly") : t("payPerDelivery");
  }
  function showDetail(sub) {
    current = sub;
    $("detail-title").textContent = productName(sub) + " – " + customerName(sub);
    var facts = P.clear($("detail-facts")), a = sub.shippingAddress;
    fact(facts, t("statusLabel"), status(sub.status));
    fact(facts, t("plan"), sub.plan ? sub.plan.name : t("noPlan"));
    fact(facts, t("interval"), sub.interval + " · " + t("quantityOf", {quantity: sub.quantity}));
    fact(facts, t("pricing"), t("pricing_" + sub.pricingMode));
    fact(facts, t("nextOrder"), P.date(sub.nextOrderDate));
    fact(facts, t("nextDelivery"), P.date(sub.nextDeliveryDate));
    if (sub.pausedUntil) { fact(facts, t("pausedUntil"), P.date(sub.pausedUntil)); }
    fact(facts, t("deliveries"), sub.deliveriesTotal
      ? t("deliveriesOf", {made: sub.deliveriesMade, total: sub.deliveriesTotal})
      : t("deliveriesMade", {made: sub.deliveriesMade}));
    fact(facts, t("nextCharge"), amount(sub.renewalTotal) + " (" + t("shippingIncluded",
      {shipping: amount(sub.shippingPrice)}) + ")");
    fact(facts, t("payment"), paymentState(sub));
    fact(facts, t("shipping"), sub.shippingMethodName);
    if (a) {
      fact(facts, t("address"), [a.streetAddress1, a.streetAddress2, [a.postalCode, a.city].join(" "),
        a.country && a.country.code].filter(Boolean).join(", "));
    }
    fact(facts, t("comment"), sub.comment || t("noComment"));
    fact(facts, t("since"), P.date(sub.createdAt));
    var ended = sub.status === "CANCELLED" || sub.status === "COMPLETED";
    $("action-pause").disabled = $("pause-until").disabled = ended;
    $("action-skip").disabled = $("action-cancel").disabled = ended;
    $("action-resume").disabled = sub.status !== "PAUSED" && sub.status !== "PAYMENT_REQUIRED";
    $("action-renew").disabled = sub.status !== "ACTIVE";
    var rows = P.clear($("detail-orders"));
    var firstListed = sub.renewals.some(function (r) { return r.cycle === 0; });
    if (sub.firstOrderId && !firstListed) {
      rows.appendChild(el("tr", {}, [cell(t("delivery"), t("firstOrder")),
        cell(t("deliveryDay"), P.date(sub.createdAt)), cell(t("payment"), t("renewal_PAID")),
        cell(t("order"), orderNumber(sub.firstOrderId))]));
    }
    sub.renewals.forEach(function (r) {
      var paid = known("renewal_" + r.status, r.status);
      if (r.status === "RETRYING" && r.retryOn) { paid += " · " + t("retryOn", {date: P.date(r.retryOn)}); }
      rows.appendChild(el("tr", {}, [cell(t("delivery"), r.cycle === 0 ? t("firstOrder") : String(r.cycle + 1)),
        cell(t("deliveryDay"), P.date(r.deliveryDate)), cell(t("payment"), paid),
        cell(t("order"), r.orderId ? orderNumber(r.orderId) : "–")]));
    });
    if (!rows.firstChild) { rows.appendChild(el("tr", {}, [el("td", {colspan: "4", text: t("none")})])); }
  }
  function loadDetail(id, keepFocus) {
    P.showErrors($("detail-actions"), []);
    var shown = latest("detail");
    return P.gql(Q.one, {id: decodeURIComponent(id)}).then(function (data) {
      if (!shown()) { return; }
      if (!data.productSubscription) { P.message(t("notFound"), true); return; }
      showDetail(data.productSubscription);
      if (!keepFocus) { focusHeading("detail-title"); }
    }, function () { P.message(t("error"), true); });
  }
  loaders.detail = function (id) { loadDetail(id); };

  function act(name, variables) {
    var form = $("detail-actions");
    return P.gql(Q[name], Object.assign({id: current.id}, variables || {})).then(function (data) {
      var payload = payloadOf(data);
      if (!P.showErrors(form, payload.subscriptionErrors)) { return; }
      P.message(name === "renew" ? t("renewed", {result: known("result_" + payload.result, payload.result)}) : t("done_" + name));
      return loadDetail(current.id, true);
    }, function () { P.message(t("error"), true); });
  }

  // -- forecast ----------------------------------------------------------------------------
  function loadForecast() {
    var form = $("forecast-form"), shown = latest("forecast");
    P.showErrors(form, []);
    return P.gql(Q.forecast, {start: $("forecast-start").value, end: $("forecast-end").value})
      .then(function (data) {
        if (!shown()) { return; }
        var rows = P.clear($("forecast-rows")), totals = {};
        data.subscriptionForecast.forEach(function (e) {
          var sub = e.subscription;
          totals[e.amount.currency] = (totals[e.amount.currency] || 0) + Number(e.amount.amount);
          rows.appendChild(el("tr", {}, [cell(t("orderDay"), P.date(e.orderDate)),
            cell(t("deliveryDay"), P.date(e.deliveryDate)), cell(t("customer"), customerName(sub)),
            cell(t("product"), productName(sub)), cell(t("quantity"), sub.quantity, "num"),
            cell(t("amountLabel"), amount(e.amount), "num")]));
        });
        var products = {}, prepare = P.clear($("forecast-products"));
        data.subscriptionForecast.forEach(function (e) {
          var sub = e.subscription, key = sub.sku + "\u0000" + productName(sub);
          var found = products[key] = products[key] || {name: productName(sub), sku: sub.sku, quantity: 0, orders: 0};
          found.quantity += sub.quantity;
          found.orders += 1;
        });
        Object.keys(products).sort().forEach(function (key) {
          var p = products[key];
          prepare.appendChild(el("tr", {}, [cell(t("product"), p.name), cell(t("sku"), p.sku),
            cell(t("quantity"), p.quantity, "num"), cell(t("orders"), p.orders, "num")]));
        });
        var sums = Object.keys(totals).map(function (c) { return P.money(totals[c], c); }).join(", ");
        $("forecast-summary").textContent = data.subscriptionForecast.length
          ? t("forecastTotal", {count: data.subscriptionForecast.length, total: sums}) : t("none");
      }, queryFailed(form));
  }
  loaders.forecast = function () {
    if (!$("forecast-start").value) { $("forecast-start").value = inDays(0); }
    if (!$("forecast-end").value) { $("forecast-end").value = inDays(30); }
    loadForecast();
  };

  // -- picking list ------------------------------------------------------------------------
  function loadPicking() {
    var form = $("picking-form"), shown = latest("picking");
    P.showErrors(form, []);
    return P.gql(Q.picking, {d: $("picking-date").value}).then(function (data) {
      if (!shown()) { return; }
      var box = P.clear($("picking-list"));
      var customers = data.subscriptionPickingList.customers;
      if (!customers.length) { box.appendChild(el("p", {class: "hint", text: t("nothingToPick")})); }
      customers.forEach(function (c) {
        box.appendChild(el("article", {class: "subs-pick"}, [
          el("h3", {text: c.name + " · " + c.email}),
          el("p", {class: "hint", text: c.address}),
          c.comments.length ? el("p", {class: "warning", text: t("comments") + ": " + c.comments.join(" · ")}) : null,
          el("table", {class: "stack"}, [
            el("thead", {}, [el("tr", {}, [el("th", {text: t("sku")}), el("th", {text: t("product")}),
              el("th", {class: "num", text: t("quantity")}), el("th", {text: t("from")})])]),
            el("tbody", {}, c.items.map(function (i) {
              return el("tr", {}, [cell(t("sku"), i.sku), cell(t("product"), i.name),
                cell(t("quantity"), i.quantity, "num"), cell(t("from"), i.sources.join(", "))]);
            }))
          ])
        ]));
      });
    }, queryFailed(form));
  }
  function download(format) {
    var form = $("picking-form");
    if (!$("picking-date").reportValidity()) { return; }
    return P.gql(Q.document, {d: $("picking-date").value, f: format}).then(function (data) {
      var doc = data.subscriptionPickingListDocument, bytes = atob(doc.contentBase64);
      var buffer = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i += 1) { buffer[i] = bytes.charCodeAt(i); }
      var url = URL.createObjectURL(new Blob([buffer], {type: doc.contentType}));
      var link = el("a", {href: url, download: doc.filename, class: "hidden"});
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 1000);
    }, queryFailed(form));
  }
  loaders.picking = function () {
    if (!$("picking-date").value) { $("picking-date").value = inDays(0); }
    loadPicking();
  };

  // plans and holidays: staff_subscription_setup.js
  var setup = window.SubscriptionSetup(P, {Q: Q, cell: cell, latest: latest, payloadOf: payloadOf,
    queryFailed: queryFailed});
  loaders.plans = setup.loaders.plans;
  loaders.holidays = setup.loaders.holidays;

  // -- wiring ------------------------------------------------------------------------------
  function wire() {
    $("list-filters").addEventListener("submit", function (event) {
      event.preventDefault();
      list.filter = readFilter();
      list.offset = 0;
      loadList();
    });
    $("list-filters").addEventListener("reset", function () {
      setTimeout(function () { list.filter = {}; list.offset = 0; loadList(); }, 0);
    });
    $("list-prev").addEventListener("click", function () {
      list.offset = Math.max(0, list.offset - PAGE_SIZE); loadList();
    });
    $("list-next").addEventListener("click", function () { list.offset += PAGE_SIZE; loadList(); });
    $("detail-actions").addEventListener("submit", function (event) {
      event.preventDefault();
      if (!$("pause-until").value) {
        P.showErrors($("detail-actions"), [{field: "until", message: t("chooseDate")}]);
        return;
      }
      act("pause", {until: $("pause-until").value});
    });
    $("action-resume").addEventListener("click", function () { act("resume"); });
    $("action-skip").addEventListener("click", function () { act("skip"); });
    $("action-renew").addEventListener("click", function () {
      P.confirm(t("renewQuestion"), t("renewNow")).then(function (ok) { if (ok) { act("renew"); } });
    });
    $("action-cancel").addEventListener("click", function () {
      P.confirm(t("cancelQuestion", {name: productName(current)}), t("cancelSubscription"))
        .then(function (ok) { if (ok) { act("cancel"); } });
    });
    $("forecast-form").addEventListener("submit", function (event) { event.preventDefault(); loadForecast(); });
    $("picking-form").addEventListener("submit", function (event) { event.preventDefault(); loadPicking(); });
    $("picking-pdf").addEventListener("click", function () { download("PDF"); });
    $("picking-csv").addEventListener("click", function () { download("CSV"); });
    setup.wire();
    window.addEventListener("hashchange", function () {
      route();
      var view = (window.location.hash.slice(1) || "list").split("/")[0];
      if (view !== "detail") { focusHeading(view + "-title"); }
    });
  }

  var wired = false;
  P.start(function () {
    if (!wired) { wired = true; wire(); }
    route();
  });
}());
