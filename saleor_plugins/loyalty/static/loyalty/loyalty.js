/* The loyalty staff page: customers' points (balance, ledger, orders, adjustments,
 * exclusion), the review queue and the products' earning and paying switches.
 * Only the package's GraphQL API (MANAGE_LOYALTY); the DOM is built with StaffPage.el. */
(function () {
  "use strict";
  var P = window.StaffPage, el = P.el, t = P.t, $ = P.$;
  var PAGE = 10;
  var DASH = "\u2013";
  var account = {userId: null, email: "", excluded: false, ledgerPage: 0, ordersPage: 0};
  var reviewPage = 0;
  var adjustKey = newKey();

  var CUSTOMERS = "query($search: String!) { loyaltyCustomers(search: $search, first: 20) {" +
    " id email firstName lastName balance excluded } }";
  var ACCOUNT = "query($userId: ID!, $first: Int!, $offset: Int!) { loyaltyAccount(userId: $userId) {" +
    " userEmail balance available pending value { amount currency } pointsExpiringSoon(days: 30)" +
    " nextExpiry excluded history(first: $first, offset: $offset) { id kind status points reason" +
    " createdAt expiresAt staffEmail appName } } }";
  var ORDERS = "query($userId: ID!, $first: Int!, $offset: Int!) { loyaltyAccount(userId: $userId) {" +
    " orders(first: $first, offset: $offset) { orderId number createdAt total { amount currency }" +
    " loyalty { pointsEarned earnedStatus pointsRedeemed redeemedAmount { amount currency }" +
    " pointsReversed pointsReturned } } } }";
  var ADJUST = "mutation($userId: ID!, $points: Int!, $reason: String!, $key: String) {" +
    " loyaltyPointsAdjust(userId: $userId, points: $points, reason: $reason, idempotencyKey: $key) {" +
    " account { balance } loyaltyErrors { field message code } } }";
  var EXCLUDE = "mutation($userId: ID!, $excluded: Boolean!) {" +
    " loyaltyCustomerExclude(userId: $userId, excluded: $excluded) {" +
    " account { excluded } loyaltyErrors { field message code } } }";
  var REVIEWS = "query($status: ProductReviewStatus, $first: Int!, $offset: Int!) {" +
    " productReviews(status: $status, first: $first, offset: $offset) {" +
    " id productName rating text authorName status createdAt } }";
  var MODERATE = "mutation($id: ID!, $approve: Boolean!) { productReviewModerate(id: $id, approve: $approve) {" +
    " review { id status } pointsAwarded loyaltyErrors { field message code } } }";
  var PRODUCTS = "query($search: String!) { loyaltyProducts(search: $search, first: 20) {" +
    " id name earnsPoints redeemable } }";
  var PRODUCT_UPDATE = "mutation($productId: ID!, $earnsPoints: Boolean, $redeemable: Boolean) {" +
    " loyaltyProductUpdate(productId: $productId, earnsPoints: $earnsPoints, redeemable: $redeemable) {" +
    " earnsPoints redeemable loyaltyErrors { field message code } } }";

  function newKey() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID()
      : "k" + Date.now() + Math.random().toString(36).slice(2);
  }

  // -- helpers ----------------------------------------------------------------------------
  // a query's argument error (extensions.field) beside its input; anything else as a message
  function failed(form) {
    return function (error) {
      if (!error || error.message === "login ended") { return; }
      var typed = (error.errors || []).map(function (e) {
        var field = (e.extensions || {}).field, text = e.message || "";
        if (field && text.indexOf(field + ": ") === 0) { text = text.slice(field.length + 2); }
        return {field: field || null, message: text};
      });
      if (form && typed.length) { P.showErrors(form, typed); } else { P.message(t("error"), true); }
    };
  }
  // a row whose cells carry their column's heading (the phone layout shows it)
  function row(table, cells) {
    var heads = table.tHead.rows[0].cells;
    return el("tr", {}, cells.map(function (cell, i) {
      var td = cell && cell.tagName === "TD" ? cell : el("td", {}, [cell]);
      td.setAttribute("data-label", heads[i].textContent);
      return td;
    }));
  }
  function num(value, extraClass) {
    return el("td", {class: "num" + (extraClass ? " " + extraClass : "")},
      [value === null || value === undefined ? DASH : String(value)]);
  }
  function signed(points) {
    return num(points > 0 ? "+" + points : String(points), points < 0 ? "minus" : "plus");
  }
  function day(iso) { return iso ? P.date(iso.slice(0, 10)) : DASH; }
  function fullName(c) { return [c.firstName, c.lastName].join(" ").trim() || c.email; }
  function pager(box, page, hasNext, go) {
    P.clear(box);
    if (page === 0 && !hasNext) { return; }
    box.appendChild(el("button", {type: "button", disabled: page === 0,
      onclick: function () { go(page - 1); }}, [t("previous")]));
    box.appendChild(el("span", {text: t("page", {page: page + 1})}));
    box.appendChild(el("button", {type: "button", disabled: !hasNext,
      onclick: function () { go(page + 1); }}, [t("next")]));
  }
  function emptyRow(table, text) {
    var cell = el("td", {colspan: table.tHead.rows[0].cells.length, class: "hint"}, [text]);
    return el("tr", {}, [cell]);
  }

  // -- customers --------------------------------------------------------------------------
  function searchCustomers(event) {
    event.preventDefault();
    var form = $("customer-search-form");
    P.showErrors(form, []);
    P.gql(CUSTOMERS, {search: $("customer-search").value}).then(function (data) {
      var table = $("customer-results"), body = P.clear(table.tBodies[0]);
      var found = data.loyaltyCustomers;
      found.forEach(function (c) {
        body.appendChild(row(table, [
          fullName(c), c.email, num(c.balance),
          el("span", {class: "badge " + (c.excluded ? "off" : "on"),
            text: c.excluded ? t("excluded") : t("included")}),
          el("button", {type: "button", class: "open-customer", "aria-label": t("open") + " " + c.email,
            onclick: function () { openAccount(c.id); }}, [t("open")]),
        ]));
      });
      P.show(table, found.length > 0);
      $("customer-none").textContent = found.length ? "" : t("noCustomer");
      P.show($("customer-none"), !found.length);
    }).catch(failed(form));
  }

  function openAccount(userId) {
    account.userId = userId;
    account.ledgerPage = 0;
    account.ordersPage = 0;
    P.showErrors($("adjust-form"), []);
    return Promise.all([loadAccount(), loadOrders()]).then(function () {
      P.show($("account"), true);
      $("account").focus();
    });
  }

  function loadAccount() {
    var page = account.ledgerPage;
    return P.gql(ACCOUNT, {userId: account.userId, first: PAGE + 1, offset: page * PAGE})
      .then(function (data) {
        var a = data.loyaltyAccount;
        if (!a) { P.message(t("noCustomer"), true); return; }
        account.email = a.userEmail;
        account.excluded = a.excluded;
        $("account-title").textContent = a.userEmail;
        $("stat-balance").textContent = String(a.balance);
        $("stat-available").textContent = String(a.available);
        $("stat-pending").textContent = String(a.pending);
        $("stat-value").textContent = P.money(a.value.amount, a.value.currency);
        $("stat-expiring").textContent = String(a.pointsExpiringSoon);
        $("stat-next-expiry").textContent = day(a.nextExpiry);
        var status = $("account-status");
        status.textContent = a.excluded ? t("excluded") : t("included");
        status.className = "badge " + (a.excluded ? "off" : "on");
        $("account-exclude").textContent = a.excluded ? t("include") : t("exclude");
        $("account-exclude").className = a.excluded ? "" : "danger";
        showLedger(a.history.slice(0, PAGE), page, a.history.length > PAGE);
      }).catch(failed(null));
  }

  function showLedger(entries, page, hasNext) {
    var table = $("ledger"), body = P.clear(table.tBodies[0]);
    entries.forEach(function (e) {
      var details = [];
      if (e.kind === "ADJUST" && e.reason) { details.push(e.reason); }
      if (e.staffEmail || e.appName) { details.push(t("by", {who: e.staffEmail || e.appName})); }
      if (e.expiresAt && e.points > 0) { details.push(t("expires", {date: day(e.expiresAt)})); }
      body.appendChild(row(table, [
        P.date(e.createdAt), t("kind." + e.kind),
        el("span", {class: "badge" + (e.status === "POSTED" ? " on" : ""), text: t("status." + e.status)}),
        signed(e.points), details.join(" · "),
      ]));
    });
    if (!entries.length) { body.appendChild(emptyRow(table, t("none"))); }
    pager($("ledger-pager"), page, hasNext, function (next) {
      account.ledgerPage = next;
      loadAccount();
    });
  }

  function loadOrders() {
    var page = account.ordersPage;
    return P.gql(ORDERS, {userId: account.userId, first: PAGE + 1, offset: page * PAGE})
      .then(function (data) {
        var orders = data.loyaltyAccount ? data.loyaltyAccount.orders : [];
        var table = $("orders"), body = P.clear(table.tBodies[0]);
        orders.slice(0, PAGE).forEach(function (o) {
          var l = o.loyalty || {};
          body.appendChild(row(table, [
            t("orderNumber", {number: o.number}), day(o.createdAt),
            num(P.money(o.total.amount, o.total.currency)), num(l.pointsEarned),
            l.earnedStatus ? t("status." + l.earnedStatus) : DASH,
            num(o.loyalty ? l.pointsRedeemed + " (" +
              P.money(l.redeemedAmount.amount, l.redeemedAmount.currency) + ")" : null),
            num(l.pointsReversed), num(l.pointsReturned),
          ]));
        });
        if (!orders.length) { body.appendChild(emptyRow(table, t("noOrders"))); }
        pager($("orders-pager"), page, orders.length > PAGE, function (next) {
          account.ordersPage = next;
          loadOrders();
        });
      }).catch(failed(null));
  }

  function adjust(event) {
    event.preventDefault();
    var form = $("adjust-form");
    P.showErrors(form, []);
    var points = parseInt($("adjust-points").value, 10);
    P.gql(ADJUST, {userId: account.userId, points: points, reason: $("adjust-reason").value,
      key: adjustKey}).then(function (data) {
      var result = data.loyaltyPointsAdjust;
      if (!P.showErrors(form, result.loyaltyErrors)) { return; }
      adjustKey = newKey();  // the next booking is a new one; a double submit is not
      form.reset();
      P.message(t("adjusted", {points: points > 0 ? "+" + points : points,
        balance: result.account.balance}));
      account.ledgerPage = 0;
      return loadAccount();
    }).catch(failed(form));
  }

  function toggleExclusion() {
    var excluding = !account.excluded;
    P.confirm(t(excluding ? "confirmExclude" : "confirmInclude", {email: account.email}),
      t(excluding ? "exclude" : "include")).then(function (ok) {
      if (!ok) { return; }
      return P.gql(EXCLUDE, {userId: account.userId, excluded: excluding}).then(function (data) {
        var errors = data.loyaltyCustomerExclude.loyaltyErrors;
        if (errors.length) { P.message(errors[0].message, true); return; }
        P.message(t("saved"));
        return loadAccount();
      });
    }).catch(failed(null));
  }

  // -- reviews ----------------------------------------------------------------------------
  function loadReviews() {
    var page = reviewPage, status = $("review-status").value;
    return P.gql(REVIEWS, {status: status, first: PAGE + 1, offset: page * PAGE}).then(function (data) {
      var reviews = data.productReviews, table = $("review-list"), body = P.clear(table.tBodies[0]);
      reviews.slice(0, PAGE).forEach(function (r) {
        var actions = el("div", {class: "actions"});
        if (r.status !== "APPROVED") {
          actions.appendChild(el("button", {type: "button", class: "primary approve",
            onclick: function () { moderate(r, true); }}, [t("approve")]));
        }
        if (r.status !== "REJECTED") {
          actions.appendChild(el("button", {type: "button", class: "danger reject",
            onclick: function () { moderate(r, false); }}, [t("reject")]));
        }
        body.appendChild(row(table, [
          P.date(r.createdAt), r.productName, t("stars", {rating: r.rating}),
          el("td", {class: "review-text"}, [r.text]), r.authorName, el("td", {}, [actions]),
        ]));
      });
      if (!reviews.length) { body.appendChild(emptyRow(table, t("noReview"))); }
      pager($("reviews-pager"), page, reviews.length > PAGE, function (next) {
        reviewPage = next;
        loadReviews();
      });
    }).catch(failed(null));
  }

  function moderate(review, approve) {
    var asked = approve ? Promise.resolve(true) : P.confirm(t("confirmReject"), t("reject"));
    asked.then(function (ok) {
      if (!ok) { return; }
      return P.gql(MODERATE, {id: review.id, approve: approve}).then(function (data) {
        var result = data.productReviewModerate;
        if (result.loyaltyErrors.length) { P.message(result.loyaltyErrors[0].message, true); return; }
        P.message(approve ? t("approved", {points: result.pointsAwarded}) : t("rejected"));
        // the author's points changed: refresh the open customer too
        return Promise.all([loadReviews(), account.userId ? loadAccount() : null]).then(function () {
          // the moderated row is gone: keyboard users go on with the next review
          var next = document.querySelector("#review-list tbody button") || $("review-status");
          next.focus();
        });
      });
    }).catch(failed(null));
  }

  // -- products ---------------------------------------------------------------------------
  function searchProducts(event) {
    event.preventDefault();
    var form = $("product-search-form");
    P.showErrors(form, []);
    P.gql(PRODUCTS, {search: $("product-search").value}).then(function (data) {
      var table = $("product-results"), body = P.clear(table.tBodies[0]);
      var heads = table.tHead.rows[0].cells, found = data.loyaltyProducts;
      found.forEach(function (p) {
        body.appendChild(row(table, [p.name,
          switchCell(p, "earnsPoints", heads[1].textContent),
          switchCell(p, "redeemable", heads[2].textContent)]));
      });
      P.show(table, found.length > 0);
      $("product-none").textContent = found.length ? "" : t("noProduct");
      P.show($("product-none"), !found.length);
    }).catch(failed(form));
  }

  function switchCell(product, setting, label) {
    var box = el("input", {type: "checkbox", class: "switch-" + setting, checked: product[setting]});
    box.addEventListener("change", function () {
      var wanted = box.checked, variables = {productId: product.id};
      variables[setting] = wanted;
      box.disabled = true;
      P.gql(PRODUCT_UPDATE, variables).then(function (data) {
        var result = data.loyaltyProductUpdate;
        if (result.loyaltyErrors.length) { throw new Error(result.loyaltyErrors[0].message); }
        product[setting] = box.checked = result[setting];
        var text = setting === "earnsPoints" ? (wanted ? "earnsOn" : "earnsOff")
          : (wanted ? "redeemableOn" : "redeemableOff");
        P.message(t(text, {name: product.name}));
      }).catch(function (error) {
        box.checked = product[setting];
        failed(null)(error);
      }).finally(function () { box.disabled = false; });
    });
    return el("label", {class: "switch"}, [box, el("span", {class: "visually-hidden", text: label})]);
  }

  // -- start ------------------------------------------------------------------------------
  $("customer-search-form").addEventListener("submit", searchCustomers);
  $("adjust-form").addEventListener("submit", adjust);
  $("account-exclude").addEventListener("click", toggleExclusion);
  $("product-search-form").addEventListener("submit", searchProducts);
  $("review-status").addEventListener("change", function () { reviewPage = 0; loadReviews(); });
  P.start(function () {
    reviewPage = 0;
    loadReviews();
  });
}());
