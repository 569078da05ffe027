/* The cart rules' staff page: list, create, change and delete rules, their codes, customer
 * groups and the plugin's switch, all through the package's public GraphQL API (and Saleor's
 * own queries for the pickers). No innerHTML: the page builds its DOM with StaffPage.el. */
(function () {
  "use strict";
  var P = window.StaffPage, el = P.el, t = P.t, $ = P.$, cfg = P.config;
  var MAX = cfg.maxConditions;
  var CONDITION_TYPES = ["MIN_QUANTITY", "PRODUCT", "CART_AMOUNT_AT_LEAST", "CART_AMOUNT_BELOW",
    "CODE", "SINGLE_USE_CODE", "CATEGORY", "CUSTOMER_GROUP", "SECOND_ORDER", "FROM_SECOND_ORDER",
    "LIFETIME_TOTAL_AT_LEAST", "SHIPPING_METHOD", "SHIPPING_COUNTRY"];
  // what each condition type asks for: its input field in DiscountRuleConditionInput
  var INPUTS = {MIN_QUANTITY: "quantity", PRODUCT: "productId", CART_AMOUNT_AT_LEAST: "amount",
    CART_AMOUNT_BELOW: "amount", CATEGORY: "categoryId", CUSTOMER_GROUP: "customerGroupId",
    LIFETIME_TOTAL_AT_LEAST: "amount", SHIPPING_METHOD: "shippingMethodId",
    SHIPPING_COUNTRY: "country"};
  var ERRORS = "errors { field message }";  // both Saleors: 2.10.1's errors have no code
  var RULE = "id name kind direction value giftVariantId giftQuantity isActive isPublic " +
    "startsAt endsAt usageLimit usedCount codes conditions { type amount quantity productId " +
    "categoryId customerGroupId shippingMethodId country }";
  var Q = {
    rules: "{ discountRules { " + RULE + " } discountRulesWarning customerGroups { id name " +
      "description memberEmails } shop { countries { code country } } }",
    create: "mutation($input: DiscountRuleInput!) { discountRuleCreate(input: $input) { rule " +
      "{ id } supportWarning " + ERRORS + " } }",
    update: "mutation($id: ID!, $input: DiscountRuleInput!) { discountRuleUpdate(id: $id, " +
      "input: $input) { rule { id } supportWarning " + ERRORS + " } }",
    remove: "mutation($id: ID!) { discountRuleDelete(id: $id) { ok " + ERRORS + " } }",
    codes: "mutation($ruleId: ID!, $codes: [String!], $generate: Int, $prefix: String, " +
      "$maxUses: Int, $oncePerCustomer: Boolean) { discountCodesCreate(ruleId: $ruleId, " +
      "codes: $codes, generate: $generate, prefix: $prefix, maxUses: $maxUses, " +
      "oncePerCustomer: $oncePerCustomer) { codes " + ERRORS + " } }",
    group: "mutation($input: CustomerGroupInput!) { customerGroupSave(input: $input) { group " +
      "{ id } " + ERRORS + " } }"
  };
  var R = window.CartRulePickers, state = R.state, nameOf = R.nameOf;
  var numberText = R.numberText, countryName = R.countryName, lookUpNames = R.lookUpNames;
  var loadShippingMethods = R.loadShippingMethods, optionsInto = R.optionsInto;
  var searchPicker = R.searchPicker, searchProducts = R.searchProducts, SEARCHES = R.SEARCHES;

  // -- the list ---------------------------------------------------------------------------
  function conditionWords(c) {
    var values = {quantity: c.quantity, amount: c.amount === null ? "" : numberText(c.amount)};
    if (c.productId) { values.name = nameOf(c.productId); }
    if (c.categoryId) { values.name = nameOf(c.categoryId); }
    if (c.customerGroupId) { values.name = nameOf(c.customerGroupId); }
    if (c.shippingMethodId) { values.name = nameOf(c.shippingMethodId); }
    if (c.country) { values.name = countryName(c.country); }
    return t("words." + c.type, values);
  }
  function valueText(rule) {
    if (rule.kind === "PERCENTAGE") { return t("percent", {value: numberText(rule.value)}); }
    if (rule.kind === "FIXED") { return numberText(rule.value); }
    if (rule.kind === "GIFT") {
      return t("giftOf", {quantity: rule.giftQuantity}) + ": " + nameOf(rule.giftVariantId);
    }
    return t("kind.FREE_SHIPPING");
  }
  function windowText(rule) {
    var parts = [];
    if (rule.startsAt) { parts.push(t("from", {date: P.date(rule.startsAt)})); }
    if (rule.endsAt) { parts.push(t("until", {date: P.date(rule.endsAt)})); }
    return parts.length ? parts.join(" ") : t("always");
  }
  function cell(label, children, className) {
    return el("td", {"data-label": label, class: className}, children);
  }
  function ruleRow(rule) {
    var heads = $("rules-table").querySelectorAll("th");
    var label = function (i) { return heads[i].textContent; };
    var conditions = rule.conditions.length
      ? rule.conditions.map(conditionWords).join(" " + t("and") + " ") : t("noConditions");
    return el("tr", {"data-rule": rule.id}, [
      cell(label(0), [rule.name]),
      cell(label(1), [el("span", {class: "badge " + (rule.isActive ? "on" : "off"),
        text: rule.isActive ? t("active") : t("inactive")})]),
      cell(label(2), [t("kind." + rule.kind)]),
      cell(label(3), [t("direction." + rule.direction)]),
      cell(label(4), [valueText(rule)], "num"),
      cell(label(5), [conditions]),
      cell(label(6), [rule.usageLimit ? t("uses", {used: rule.usedCount, limit: rule.usageLimit})
        : String(rule.usedCount)], "num"),
      cell(label(7), [windowText(rule)]),
      cell(t("edit"), [el("div", {class: "row-actions"}, [
        el("button", {type: "button", class: "edit", "aria-label": t("editRule", {name: rule.name}),
          title: t("edit"), onclick: function () { openEditor(rule); }}, ["✎ ", t("edit")]),
        el("button", {type: "button", class: "codes", onclick: function () { openCodes(rule); }},
          [t("codes") + " (" + rule.codes.length + ")"]),
        el("button", {type: "button", class: "danger delete", title: t("delete"),
          "aria-label": t("delete") + " " + rule.name,
          onclick: function () { removeRule(rule); }}, ["✕ ", t("delete")])
      ])], "row-tools")
    ]);
  }
  function showList() {
    var body = P.clear($("rules-body"));
    state.rules.forEach(function (rule) { body.appendChild(ruleRow(rule)); });
    P.show($("rules-empty"), !state.rules.length);
    P.show($("rules-table"), !!state.rules.length);
    var full = state.rules.length >= cfg.supportedRules && !state.allowMore;
    P.show($("rule-new"), !full);
    P.show($("rules-more"), full);
    $("rules-more-text").textContent = t("supported", {supported: cfg.supportedRules});
    var groups = P.clear($("groups-list"));
    state.groups.forEach(function (g) {
      groups.appendChild(el("li", {}, [el("strong", {text: g.name}), " – " +
        t("members", {count: g.memberEmails.length}) + (g.description ? " – " + g.description : "")]));
    });
  }
  function load() {
    return P.gql(Q.rules).then(function (data) {
      state.rules = data.discountRules;
      state.groups = data.customerGroups;
      state.countries = data.shop.countries;
      state.groups.forEach(function (g) { state.names[g.id] = g.name; });
      var warning = data.discountRulesWarning;
      $("rules-warning").textContent = warning || "";
      P.show($("rules-warning"), !!warning);
      var ids = [];
      var needsShipping = false;
      state.rules.forEach(function (rule) {
        ids.push(rule.giftVariantId);
        rule.conditions.forEach(function (c) {
          ids.push(c.productId, c.categoryId);
          needsShipping = needsShipping || !!c.shippingMethodId;
        });
      });
      return Promise.all([lookUpNames(ids), needsShipping ? loadShippingMethods() : null]);
    }).then(showList);
  }

  // -- the rule's form --------------------------------------------------------------------
  var rowCount = 0;
  function conditionRow(condition) {
    var number = ++rowCount;
    var row = el("div", {class: "condition"});
    var typeSelect = el("select", {id: "condition-type-" + number, class: "condition-type"},
      CONDITION_TYPES.map(function (type) {
        return el("option", {value: type, text: t("condition." + type),
          selected: condition && condition.type === type});
      }));
    var inputBox = el("div", {class: "condition-input"});
    function fillInput(existing) {
      P.clear(inputBox);
      var field = INPUTS[typeSelect.value];
      var id = "condition-value-" + number;
      if (!field) {
        inputBox.appendChild(el("p", {class: "hint", text: t("noInput")}));
        row.valueInput = null;
        return;
      }
      if (field === "amount" || field === "quantity") {
        var input = el("input", {id: id, type: "number", min: field === "amount" ? "0" : "1",
          step: field === "amount" ? "0.01" : "1", inputmode: field === "amount" ? "decimal" : "numeric",
          "data-input": field, value: existing && existing[field] !== null && existing[field] !== undefined
            ? String(existing[field]) : null});
        inputBox.appendChild(el("label", {for: id, text: t(field)}));
        inputBox.appendChild(input);
        row.valueInput = input;
        return;
      }
      var picker = searchPicker(id, null, existing ? existing[field] : null, SEARCHES[field]);
      picker.nodes.forEach(function (n) { inputBox.appendChild(n); });
      picker.input.setAttribute("data-input", field);
      row.valueInput = picker.input;
      if (field === "shippingMethodId") {
        loadShippingMethods().then(function (methods) {
          if (methods === null) { inputBox.appendChild(el("p", {class: "hint", text: t("needsShipping")})); }
        });
      }
      picker.run();  // the first matches at once: pick without typing
    }
    typeSelect.addEventListener("change", function () { fillInput(null); });
    var remove = el("button", {type: "button", class: "danger condition-remove",
      onclick: function () { row.remove(); renumber(); }}, [t("remove")]);
    row.appendChild(el("h3", {class: "condition-title"}));
    row.appendChild(el("label", {for: typeSelect.id, text: t("conditionType")}));
    row.appendChild(typeSelect);
    row.appendChild(inputBox);
    row.appendChild(el("div", {class: "actions"}, [remove]));
    row.typeSelect = typeSelect;
    fillInput(condition);
    return row;
  }
  function conditionRows() { return Array.prototype.slice.call($("rule-conditions").children); }
  function renumber() {
    var rows = conditionRows();
    rows.forEach(function (row, i) {
      row.querySelector(".condition-title").textContent = t("condition", {number: i + 1});
      // the API names a condition's error "conditions.<index>"
      var target = row.valueInput || row.typeSelect;
      row.typeSelect.removeAttribute("data-field");
      if (row.valueInput) { row.valueInput.removeAttribute("data-field"); }
      target.setAttribute("data-field", "conditions." + i);
    });
    var full = rows.length >= MAX;
    $("condition-add").disabled = full;
    P.show($("conditions-full"), full);
  }
  function addCondition(condition) {
    if (conditionRows().length >= MAX) { return; }
    var row = conditionRow(condition);
    $("rule-conditions").appendChild(row);
    row.typeSelect.addEventListener("change", renumber);
    renumber();
    if (!condition) { row.typeSelect.focus(); }
  }
  function localInput(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  function kindChanged() {
    var kind = $("rule-kind").value;
    P.show($("rule-value-box"), kind === "FIXED" || kind === "PERCENTAGE");
    P.show($("rule-gift-box"), kind === "GIFT");
    var always = kind === "FREE_SHIPPING" || kind === "GIFT";
    if (always) { $("rule-direction").value = "DISCOUNT"; }
    $("rule-direction").disabled = always;
    if (kind === "GIFT" && $("rule-gift").options.length < 2) { fillGifts(""); }
  }
  function fillGifts(text, selected) {
    return searchProducts(text).then(function (products) {
      var items = [];
      products.forEach(function (p) {
        (p.variants || []).forEach(function (v) {
          var name = v.name ? p.name + " – " + v.name : p.name;
          state.names[v.id] = name;
          items.push({id: v.id, name: name});
        });
      });
      var keep = selected || $("rule-gift").value;
      optionsInto($("rule-gift"), items, keep);
      if (keep && !items.some(function (i) { return i.id === keep; })) {
        $("rule-gift").appendChild(el("option", {value: keep, text: nameOf(keep), selected: true}));
      }
    });
  }
  function openEditor(rule) {
    state.editing = rule || null;
    var form = $("rule-form");
    form.reset();
    P.showErrors(form, []);
    P.clear($("rule-conditions"));
    $("rule-form-title").textContent = rule ? t("editRule", {name: rule.name}) : t("newRule");
    $("rule-name").value = rule ? rule.name : "";
    $("rule-kind").value = rule ? rule.kind : "FIXED";
    $("rule-direction").value = rule ? rule.direction : "DISCOUNT";
    $("rule-value").value = rule && Number(rule.value) ? String(rule.value) : "";
    $("rule-gift-quantity").value = rule ? String(rule.giftQuantity) : "1";
    $("rule-starts").value = rule ? localInput(rule.startsAt) : "";
    $("rule-ends").value = rule ? localInput(rule.endsAt) : "";
    $("rule-limit").value = rule && rule.usageLimit ? String(rule.usageLimit) : "";
    $("rule-active").checked = rule ? rule.isActive : true;
    $("rule-public").checked = rule ? rule.isPublic : false;
    optionsInto($("rule-gift"), rule && rule.giftVariantId
      ? [{id: rule.giftVariantId, name: nameOf(rule.giftVariantId)}] : [], rule && rule.giftVariantId);
    (rule ? rule.conditions : []).forEach(addCondition);
    renumber();
    kindChanged();
    P.show($("codes-editor"), false);
    P.show($("rule-editor"), true);
    $("rule-name").focus();
  }
  function closeEditor() {
    P.show($("rule-editor"), false);
    state.editing = null;
    ($("rule-new").classList.contains("hidden") ? $("rule-more") : $("rule-new")).focus();
  }
  function numberOrNull(value) { return value === "" ? null : Number(value); }
  function ruleInput() {
    var kind = $("rule-kind").value;
    var input = {
      name: $("rule-name").value, kind: kind, direction: $("rule-direction").value,
      isActive: $("rule-active").checked, isPublic: $("rule-public").checked,
      startsAt: $("rule-starts").value ? new Date($("rule-starts").value).toISOString() : null,
      endsAt: $("rule-ends").value ? new Date($("rule-ends").value).toISOString() : null,
      usageLimit: numberOrNull($("rule-limit").value),
      conditions: conditionRows().map(function (row) {
        var condition = {type: row.typeSelect.value};
        if (row.valueInput) {
          var field = row.valueInput.getAttribute("data-input"), value = row.valueInput.value;
          condition[field] = value === "" ? null : (field === "quantity" ? Number(value) : value);
        }
        return condition;
      })
    };
    if (kind === "FIXED" || kind === "PERCENTAGE") { input.value = $("rule-value").value || "0"; }
    if (kind === "GIFT") {
      input.giftVariantId = $("rule-gift").value || null;
      input.giftQuantity = numberOrNull($("rule-gift-quantity").value);
    }
    return input;
  }
  function saveRule(event) {
    event.preventDefault();
    var form = $("rule-form"), editing = state.editing;
    var request = editing ? P.gql(Q.update, {id: editing.id, input: ruleInput()})
      .then(function (d) { return d.discountRuleUpdate; })
      : P.gql(Q.create, {input: ruleInput()}).then(function (d) { return d.discountRuleCreate; });
    $("rule-save").disabled = true;
    request.then(function (result) {
      if (!P.showErrors(form, result.errors)) { return; }
      P.message(t("saved"));
      closeEditor();
      return load();
    }, function () { P.message(t("error"), true); })
      .finally(function () { $("rule-save").disabled = false; });
  }
  function removeRule(rule) {
    P.confirm(t("deleteRule", {name: rule.name}), t("delete")).then(function (ok) {
      if (!ok) { return; }
      return P.gql(Q.remove, {id: rule.id}).then(function (data) {
        var result = data.discountRuleDelete;
        if (result.errors.length) { P.message(result.errors[0].message, true); return; }
        P.message(t("deleted"));
        if (state.editing && state.editing.id === rule.id) { closeEditor(); }
        return load();
      });
    }).catch(function () { P.message(t("error"), true); });
  }

  // -- codes ------------------------------------------------------------------------------
  function showCodes() {
    var rule = state.codesRule, list = P.clear($("codes-list"));
    rule.codes.forEach(function (code) { list.appendChild(el("li", {text: code})); });
    if (!rule.codes.length) { list.appendChild(el("li", {class: "hint", text: t("noCodes")})); }
    $("codes-csv").disabled = !rule.codes.length;
  }
  function openCodes(rule) {
    state.codesRule = rule;
    $("codes-form").reset();
    P.showErrors($("codes-form"), []);
    $("codes-title").textContent = t("codesFor", {name: rule.name});
    showCodes();
    P.show($("rule-editor"), false);
    P.show($("codes-editor"), true);
    $("codes-typed").focus();
  }
  function addCodes(event) {
    event.preventDefault();
    var form = $("codes-form"), rule = state.codesRule;
    var typed = $("codes-typed").value.split(/[\s,;]+/).filter(Boolean);
    P.gql(Q.codes, {ruleId: rule.id, codes: typed.length ? typed : null,
      generate: numberOrNull($("codes-generate").value), prefix: $("codes-prefix").value || null,
      maxUses: numberOrNull($("codes-max-uses").value),
      oncePerCustomer: $("codes-once").checked}).then(function (data) {
      var result = data.discountCodesCreate;
      if (!P.showErrors(form, result.errors)) { return; }
      P.message(t("codesAdded", {count: result.codes.length}));
      form.reset();
      return load().then(function () {
        state.codesRule = state.rules.filter(function (r) { return r.id === rule.id; })[0] || rule;
        showCodes();
      });
    }).catch(function () { P.message(t("error"), true); });
  }
  function csvCell(text) { return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text; }
  function downloadCsv() {
    var rule = state.codesRule;
    var lines = ["code,rule"].concat(rule.codes.map(function (code) {
      return csvCell(code) + "," + csvCell(rule.name);
    }));
    var link = el("a", {href: URL.createObjectURL(new Blob([lines.join("\n") + "\n"],
      {type: "text/csv"})), download: "discount-codes-" + rule.name.replace(/[^\w-]+/g, "-") + ".csv"});
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // -- customer groups and the plugin's switch --------------------------------------------
  function saveGroup(event) {
    event.preventDefault();
    var form = $("group-form");
    P.gql(Q.group, {input: {name: $("group-name").value,
      description: $("group-description").value}}).then(function (data) {
      var result = data.customerGroupSave;
      if (!P.showErrors(form, result.errors)) { return; }
      form.reset();
      P.message(t("groupSaved"));
      return load();
    }).catch(function () { P.message(t("error"), true); });
  }
  function activeOf(plugin) {
    return cfg.pluginSwitch.activePath.reduce(function (v, k) { return v ? v[k] : v; }, plugin);
  }
  function showSwitch(active) {
    $("rules-active").checked = !!active;
    $("rules-switch-state").textContent = active ? t("switchOn") : t("switchOff");
  }
  function setUpSwitch() {
    var sw = cfg.pluginSwitch;
    P.gql(sw.read, {id: sw.pluginId}).then(function (data) {
      if (!data.plugin) { return; }
      showSwitch(activeOf(data.plugin));
      P.show($("rules-switch"), true);
    }, function () {});
    $("rules-active").addEventListener("change", function () {
      var box = this;
      box.disabled = true;
      P.gql(sw.update, {id: sw.pluginId, active: box.checked}).then(function (data) {
        var result = data.pluginUpdate;
        if (result.errors.length) { P.message(result.errors[0].message, true); }
        showSwitch(result.plugin ? activeOf(result.plugin) : !box.checked);
      }, function () { P.message(t("error"), true); showSwitch(!box.checked); })
        .finally(function () { box.disabled = false; });
    });
  }

  var wired = false;
  P.start(function (me) {
    if (wired) { load().catch(function () { P.message(t("error"), true); }); return; }
    wired = true;
    $("rule-new").addEventListener("click", function () { openEditor(null); });
    $("rule-more").addEventListener("click", function () {
      state.allowMore = true;
      showList();
      openEditor(null);
    });
    $("rule-cancel").addEventListener("click", closeEditor);
    $("rule-form").addEventListener("submit", saveRule);
    $("rule-kind").addEventListener("change", kindChanged);
    $("condition-add").addEventListener("click", function () { addCondition(null); });
    $("rule-gift-search").addEventListener("input", function () { fillGifts(this.value); });
    $("codes-form").addEventListener("submit", addCodes);
    $("codes-csv").addEventListener("click", downloadCsv);
    $("codes-close").addEventListener("click", function () {
      P.show($("codes-editor"), false);
      $("rules-title").focus();
    });
    $("group-form").addEventListener("submit", saveGroup);
    var canSwitch = (me.userPermissions || []).some(function (p) { return p.code === "MANAGE_PLUGINS"; });
    if (canSwitch) { setUpSwitch(); }
    load().catch(function () { P.message(t("error"), true); });
  });
}());
