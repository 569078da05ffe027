/* Plans and holidays of the subscriptions staff page. Loaded before the shared script:
 * staff_subscriptions.js calls SubscriptionSetup(StaffPage, helpers) once StaffPage exists. */
window.SubscriptionSetup = function (P, helpers) {
  "use strict";
  var el = P.el, t = P.t, $ = P.$, Q = helpers.Q, cell = helpers.cell, latest = helpers.latest;
  var payloadOf = helpers.payloadOf, queryFailed = helpers.queryFailed;
  var plans = [], editing = null;
  var loaders = {};

  // -- plans -------------------------------------------------------------------------------
  function productNames(ids) {
    var wanted = ids.filter(Boolean), vars = {}, decl = [], fields = [];
    if (!wanted.length) { return Promise.resolve({}); }
    wanted.forEach(function (id, n) {
      vars["p" + n] = id;
      decl.push("$p" + n + ": ID!");
      fields.push(id.indexOf("UHJvZHVjdFZhcmlhbnQ") === 0
        ? "p" + n + ": productVariant(id: $p" + n + ") { name product { name } }"
        : "p" + n + ": product(id: $p" + n + ") { name }");
    });
    return P.gql("query(" + decl.join(", ") + ") { " + fields.join(" ") + " }", vars).then(function (data) {
      var names = {};
      wanted.forEach(function (id, n) {
        var found = data["p" + n];
        if (found) { names[id] = found.product ? found.product.name + " (" + found.name + ")" : found.name; }
      });
      return names;
    }, function () { return {}; });
  }
  function loadPlans() {
    var shown = latest("plans");
    return P.gql(Q.plans).then(function (data) {
      plans = data.subscriptionPlans;
      return productNames(plans.map(function (p) { return p.variantId || p.productId; }));
    }).then(function (names) {
      if (!shown()) { return; }
      var rows = P.clear($("plan-rows"));
      plans.forEach(function (plan) {
        plan.productName = names[plan.variantId || plan.productId] || "";
        rows.appendChild(el("tr", {}, [cell(t("name"), plan.name), cell(t("product"), plan.productName),
          cell(t("intervals"), plan.intervals.join(", ")), cell(t("pricing"), t("pricing_" + plan.pricingMode)),
          cell(t("firstOff"), plan.firstOrderDiscount + " %", "num"),
          cell(t("laterOff"), plan.laterOrderDiscount + " %", "num"),
          cell(t("deliveries"), plan.deliveries ? String(plan.deliveries) : t("untilCancelled")),
          cell(t("offered"), el("span", {class: "badge" + (plan.isActive ? " on" : " off"),
            text: plan.isActive ? t("yes") : t("no")})),
          cell("", el("span", {class: "actions"}, [
            el("button", {type: "button", text: t("edit"), "aria-label": t("editOf", {name: plan.name}),
              onclick: function () { editPlan(plan); }}),
            el("button", {type: "button", class: "danger", text: t("delete"),
              "aria-label": t("deleteOf", {name: plan.name}), onclick: function () { deletePlan(plan); }})]))
        ]));
      });
      if (!plans.length) { rows.appendChild(el("tr", {}, [el("td", {colspan: "9", text: t("none")})])); }
    }, function () { P.message(t("error"), true); });
  }
  function productOptions(items, selected) {
    var select = P.clear($("plan-product"));
    select.appendChild(el("option", {value: "", text: t("chooseProduct")}));
    items.forEach(function (item) {
      select.appendChild(el("option", {value: item.id, text: item.name, selected: item.id === selected}));
    });
  }
  function searchProducts() {
    var keep = $("plan-product").value, keepName = $("plan-product").selectedOptions[0];
    P.gql(Q.products, {q: $("plan-product-search").value.trim()}).then(function (data) {
      var items = data.products.edges.map(function (e) { return e.node; });
      if (keep && !items.some(function (i) { return i.id === keep; })) {
        items.unshift({id: keep, name: keepName ? keepName.textContent : keep});
      }
      productOptions(items, keep);
    }, function () {});
  }
  function editPlan(plan) {
    editing = plan;
    $("plan-form-title").textContent = t("editPlan", {name: plan.name});
    $("plan-name").value = plan.name;
    productOptions([{id: plan.variantId || plan.productId, name: plan.productName || plan.name}],
      plan.variantId || plan.productId);
    $("plan-intervals").value = plan.intervals.join(", ");
    $("plan-pricing").value = plan.pricingMode;
    $("plan-first").value = plan.firstOrderDiscount;
    $("plan-later").value = plan.laterOrderDiscount;
    $("plan-deliveries").value = plan.deliveries || 0;
    $("plan-max").value = plan.maxDeliveries || 0;
    $("plan-active").checked = plan.isActive;
    P.show($("plan-new"), true);
    $("plan-name").focus();
  }
  function newPlan() {
    editing = null;
    $("plan-form").reset();
    $("plan-form-title").textContent = t("newPlan");
    productOptions([], "");
    P.show($("plan-new"), false);
    P.showErrors($("plan-form"), []);
  }
  function savePlan(event) {
    event.preventDefault();
    var form = $("plan-form"), product = $("plan-product").value;
    var input = {
      name: $("plan-name").value, intervals: $("plan-intervals").value.split(/[\s,]+/).filter(Boolean),
      pricingMode: $("plan-pricing").value, firstOrderDiscount: Number($("plan-first").value || 0),
      laterOrderDiscount: Number($("plan-later").value || 0),
      deliveries: parseInt($("plan-deliveries").value || "0", 10),
      maxDeliveries: parseInt($("plan-max").value || "0", 10), isActive: $("plan-active").checked
    };
    if (product) { input[product.indexOf("UHJvZHVjdFZhcmlhbnQ") === 0 ? "variantId" : "productId"] = product; }
    var request = editing ? P.gql(Q.planUpdate, {id: editing.id, input: input}) : P.gql(Q.planCreate, {input: input});
    request.then(function (data) {
      if (!P.showErrors(form, payloadOf(data).subscriptionErrors)) { return; }
      P.message(t("saved"));
      newPlan();
      loadPlans();
    }, function () { P.message(t("error"), true); });
  }
  function deletePlan(plan) {
    P.confirm(t("deletePlanQuestion", {name: plan.name}), t("delete")).then(function (ok) {
      if (!ok) { return; }
      return P.gql(Q.planDelete, {id: plan.id}).then(function (data) {
        var errors = payloadOf(data).subscriptionErrors;
        if (errors.length) { P.message(errors.map(function (e) { return e.message; }).join(" "), true); return; }
        P.message(t("deleted"));
        if (editing && editing.id === plan.id) { newPlan(); }
        loadPlans();
      });
    }).catch(function () { P.message(t("error"), true); });
  }
  loaders.plans = function () { loadPlans(); };

  // -- holidays ----------------------------------------------------------------------------
  function loadHolidays() {
    var shown = latest("holidays");
    return P.gql(Q.holidays).then(function (data) {
      if (!shown()) { return; }
      var rows = P.clear($("holiday-rows"));
      data.subscriptionHolidays.forEach(function (h) {
        rows.appendChild(el("li", {}, [el("span", {text: P.date(h.date) + (h.name ? " · " + h.name : "")}),
          el("button", {type: "button", class: "danger", text: t("delete"),
            "aria-label": t("deleteOf", {name: P.date(h.date)}), onclick: function () { deleteHoliday(h); }})]));
      });
      if (!data.subscriptionHolidays.length) { rows.appendChild(el("li", {class: "hint", text: t("none")})); }
    }, function () { P.message(t("error"), true); });
  }
  function addHoliday(event) {
    event.preventDefault();
    var form = $("holiday-form");
    P.gql(Q.holidayAdd, {date: $("holiday-date").value, name: $("holiday-name").value}).then(function (data) {
      if (!P.showErrors(form, payloadOf(data).subscriptionErrors)) { return; }
      form.reset();
      P.message(t("saved"));
      loadHolidays();
    }, queryFailed(form));
  }
  function deleteHoliday(h) {
    P.confirm(t("deleteHolidayQuestion", {date: P.date(h.date)}), t("delete")).then(function (ok) {
      if (!ok) { return; }
      return P.gql(Q.holidayDelete, {date: h.date}).then(function (data) {
        var errors = payloadOf(data).subscriptionErrors;
        if (errors.length) { P.message(errors.map(function (e) { return e.message; }).join(" "), true); return; }
        P.message(t("deleted"));
        loadHolidays();
      });
    }).catch(function () { P.message(t("error"), true); });
  }
  loaders.holidays = function () { loadHolidays(); };

  function wire() {
    $("plan-form").addEventListener("submit", savePlan);
    $("plan-new").addEventListener("click", newPlan);
    var searchTimer = null;
    $("plan-product-search").addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(searchProducts, 250);
    });
    $("holiday-form").addEventListener("submit", addHoliday);
    productOptions([], "");
    searchProducts();
  }

  return {loaders: loaders, wire: wire};
};
