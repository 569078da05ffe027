/* The cart rules' page: its pickers (a search field and a list of what matches) and the names
 * of what conditions point at, from Saleor's own queries both Saleors serve. Loaded before
 * rules.js, which uses window.CartRulePickers. */
(function () {
  "use strict";
  var P = window.StaffPage, el = P.el, t = P.t, cfg = P.config;
  var Q = {
    products: "query($search: String) { products(first: 20, filter: {search: $search}) { edges " +
      "{ node { id name variants { id name } } } } }",
    categories: "query($search: String) { categories(first: 20, filter: {search: $search}) " +
      "{ edges { node { id name } } } }",
    shipping: "{ shippingZones(first: 100) { edges { node { name shippingMethods { id name } " +
      "} } } }"
  };
  // what the page knows; rules.js fills rules, groups and countries
  var state = {rules: [], groups: [], countries: [], methods: null, names: {}, editing: null,
    codesRule: null, allowMore: false, canSwitch: false};

  function numberText(value) {
    return new Intl.NumberFormat(cfg.language, {maximumFractionDigits: 2}).format(Number(value));
  }
  function nameOf(id) { return state.names[id] || id; }
  function countryName(code) {
    var found = state.countries.filter(function (c) { return c.code === code; })[0];
    return found ? found.country : code;
  }

  // -- names of the things conditions point at (products, categories, variants) ------------
  function lookUpNames(ids) {
    var wanted = ids.filter(function (id) { return id && !state.names[id]; });
    if (!wanted.length) { return Promise.resolve(); }
    var parts = [], vars = {}, defs = [];
    wanted.forEach(function (id, i) {
      var kind = atob(id).split(":")[0];
      var field = {Product: "product", Category: "category", ProductVariant: "productVariant"}[kind];
      if (!field) { return; }
      defs.push("$v" + i + ": ID!");
      vars["v" + i] = id;
      parts.push("n" + i + ": " + field + "(id: $v" + i + ") { id name" +
        (kind === "ProductVariant" ? " product { name }" : "") + " }");
    });
    if (!parts.length) { return Promise.resolve(); }
    return P.gql("query(" + defs.join(", ") + ") { " + parts.join(" ") + " }", vars)
      .then(function (data) {
        Object.keys(data).forEach(function (alias) {
          var node = data[alias];
          if (node) { state.names[node.id] = node.product ? node.product.name + " – " + node.name : node.name; }
        });
      }, function () {});
  }
  function loadShippingMethods() {
    if (state.methods) { return Promise.resolve(state.methods); }
    return P.gql(Q.shipping).then(function (data) {
      state.methods = [];
      data.shippingZones.edges.forEach(function (edge) {
        (edge.node.shippingMethods || []).forEach(function (m) {
          state.methods.push({id: m.id, name: m.name + " (" + edge.node.name + ")"});
          state.names[m.id] = m.name;
        });
      });
      return state.methods;
    }, function () { state.methods = null; return null; });
  }


  // -- pickers: a search field and a list of what matches ----------------------------------
  function optionsInto(select, items, selected) {
    P.clear(select);
    select.appendChild(el("option", {value: "", text: items.length ? t("choose") : t("noMatch")}));
    items.forEach(function (item) {
      select.appendChild(el("option", {value: item.id, text: item.name,
        selected: item.id === selected}));
    });
  }
  function searchPicker(id, fieldName, selected, search) {
    var select = el("select", {id: id, "data-field": fieldName, "data-input": "id"});
    var box = el("input", {id: id + "-search", type: "search", autocomplete: "off",
      "aria-label": t("search")});
    var timer = null;
    function run() {
      search(box.value).then(function (items) {
        var keep = select.value;
        optionsInto(select, items, keep);
        if (keep && !items.some(function (i) { return i.id === keep; })) {
          select.appendChild(el("option", {value: keep, text: nameOf(keep), selected: true}));
        }
      });
    }
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); run(); }
    });
    optionsInto(select, selected ? [{id: selected, name: nameOf(selected)}] : [], selected);
    return {nodes: [el("label", {for: id + "-search", text: t("search")}), box,
      el("label", {for: id, text: t("choose")}), select], input: select, run: run};
  }
  function within(items, text) {
    var needle = (text || "").toLowerCase();
    return items.filter(function (i) { return i.name.toLowerCase().indexOf(needle) >= 0; });
  }
  function searchProducts(text) {
    return P.gql(Q.products, {search: text || null}).then(function (data) {
      return data.products.edges.map(function (e) {
        state.names[e.node.id] = e.node.name;
        return {id: e.node.id, name: e.node.name, variants: e.node.variants};
      });
    }, function () { return []; });
  }
  var SEARCHES = {
    productId: searchProducts,
    categoryId: function (text) {
      return P.gql(Q.categories, {search: text || null}).then(function (data) {
        return data.categories.edges.map(function (e) {
          state.names[e.node.id] = e.node.name;
          return e.node;
        });
      }, function () { return []; });
    },
    customerGroupId: function (text) { return Promise.resolve(within(state.groups, text)); },
    shippingMethodId: function (text) {
      return loadShippingMethods().then(function (methods) {
        return methods ? within(methods, text) : [];
      });
    },
    country: function (text) {
      return Promise.resolve(within(state.countries.map(function (c) {
        return {id: c.code, name: c.country};
      }), text));
    }
  };


  window.CartRulePickers = {state: state, numberText: numberText, nameOf: nameOf,
    countryName: countryName, lookUpNames: lookUpNames, loadShippingMethods: loadShippingMethods,
    optionsInto: optionsInto, searchPicker: searchPicker, searchProducts: searchProducts,
    SEARCHES: SEARCHES};
}());
