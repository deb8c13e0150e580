// orgmodel dashboard: pick an organisation or scenario, see its charts, pick a second to
// compare. Every figure is Plotly JSON from /api/v1 (drawn with Plotly.react); the bearer
// token, if any, is kept in localStorage. Problems are shown on the page, not thrown.
"use strict";

(function () {
  const API = "/api/v1";
  const TOKEN_KEY = "orgmodel.token";
  // Wide figures are stacked, not paired, when two subjects are compared.
  const WIDE = new Set(["graph", "mirror"]);

  const $ = (id) => document.getElementById(id);

  // plotly.js: loaded once, on first need (after the org chart is drawn, or when a Plotly
  // figure arrives first), so that its second of script does not hold the first chart.
  let plotlyPromise = null;

  function plotlyReady() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyPromise) {
      plotlyPromise = new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.id = "plotly-js";
        tag.src = "/static/plotly.min.js";
        tag.addEventListener("load", () => resolve(window.Plotly));
        tag.addEventListener("error", () => {
          plotlyPromise = null;
          reject(new Error("plotly.js 未能加载"));
        });
        document.head.appendChild(tag);
      });
    }
    return plotlyPromise;
  }

  const state = { kinds: null, subjects: [], generation: 0, token: "", root: "", rootName: "" };

  function token() {
    try {
      return localStorage.getItem(TOKEN_KEY) || state.token;
    } catch (e) {
      return state.token; // storage disabled: the token lasts for this page only
    }
  }

  function setStatus(text, isError) {
    const el = $("status");
    el.textContent = text;
    el.className = isError ? "error" : "";
  }

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function api(path) {
    const headers = { Accept: "application/json" };
    const t = token();
    if (t) headers.Authorization = "Bearer " + t;
    let resp;
    try {
      resp = await fetch(API + path, { headers });
    } catch (e) {
      throw new ApiError(0, "无法连接服务器");
    }
    if (!resp.ok) {
      let detail = resp.statusText;
      try {
        const p = await resp.json();
        detail = p.detail || p.title || detail;
      } catch (e) {
        /* not a problem document */
      }
      throw new ApiError(resp.status, detail);
    }
    return resp.json();
  }

  // At most FETCHES chart requests at a time, in page order: the server computes one figure
  // per core, so the first chart arrives (and is drawn) first instead of all arriving together
  // late, then being drawn one after another while the page is frozen.
  const FETCHES = 2;
  let running = 0;
  const waiting = [];

  function limited(fn) {
    return new Promise((resolve, reject) => {
      const go = () => {
        running++;
        Promise.resolve()
          .then(fn)
          .then(resolve, reject)
          .finally(() => {
            running--;
            if (waiting.length) waiting.shift()();
          });
      };
      if (running < FETCHES) go();
      else waiting.push(go);
    });
  }

  // Times from navigation start (page clock, ms) on <body>, for the browser test and the
  // benchmark: data-first-chart-ms (first figure of any kind on screen), data-first-plotly-ms
  // and data-all-charts-ms (every chart settled), each for the page's first drawing.
  function markDrawn(plotly) {
    const d = document.body.dataset;
    const now = String(Math.round(performance.now()));
    if (!d.firstChartMs) d.firstChartMs = now;
    if (plotly && !d.firstPlotlyMs) d.firstPlotlyMs = now;
  }

  function explain(err) {
    if (err.status === 401) return "需要有效的访问令牌（401）：请在右上角输入令牌并保存。";
    if (err.status === 403) return "无权访问（403）：" + err.message;
    if (err.status === 404) return "未找到（404）：" + err.message;
    return "出错了" + (err.status ? "（" + err.status + "）" : "") + "：" + err.message;
  }

  // -- subjects (organisations and scenarios) ---------------------------------------------

  function option(value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  }

  async function loadSubjects() {
    const [orgs, scenarios, kinds] = await Promise.all([
      api("/orgs"),
      api("/scenarios"),
      api("/charts"),
    ]);
    state.kinds = kinds;
    state.subjects = [];
    for (const o of orgs) {
      state.subjects.push({
        ref: "org:" + o.id,
        label: `${o.name || o.id}（组织 ${o.id}，v${o.version}，${o.police} 名民警）`,
      });
    }
    const orgNames = new Map(orgs.map((o) => [o.id, o.name || o.id]));
    for (const s of scenarios) {
      const base = s.base ? s.base.name || orgNames.get(s.base.id) || s.base.id : "";
      state.subjects.push({
        ref: "scenario:" + s.id,
        base: s.base ? "org:" + s.base.id : "",
        label: `方案：${s.name || s.id}（${s.id}，基于 ${base}）`,
      });
    }
    const a = $("pick-a");
    const b = $("pick-b");
    a.replaceChildren();
    b.replaceChildren(option("", "（不对比）"));
    for (const s of state.subjects) {
      a.appendChild(option(s.ref, s.label));
      b.appendChild(option(s.ref, s.label));
    }
    const wanted = readHash();
    if (wanted.a && state.subjects.some((s) => s.ref === wanted.a)) a.value = wanted.a;
    if (wanted.b && state.subjects.some((s) => s.ref === wanted.b)) b.value = wanted.b;
    if (wanted.root) state.root = wanted.root;
  }

  function readHash() {
    const out = {};
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      const [k, v] = part.split("=");
      if (k && v) out[k] = decodeURIComponent(v);
    }
    return out;
  }

  function writeHash(a, b) {
    let h = "a=" + encodeURIComponent(a) + (b ? "&b=" + encodeURIComponent(b) : "");
    if (state.root) h += "&root=" + encodeURIComponent(state.root);
    history.replaceState(null, "", "#" + h);
  }

  // -- charts -------------------------------------------------------------------------------

  // "org:ID" or "scenario:ID" → "/orgs/ID" or "/scenarios/ID"
  function subjectPath(ref) {
    const [type, id] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
    return (type === "scenario" ? "/scenarios/" : "/orgs/") + encodeURIComponent(id);
  }

  // The unit every chart is re-rooted on (the search box sets it), as a query string.
  function withRoot(path) {
    if (!state.root) return path;
    return path + (path.includes("?") ? "&" : "?") + "root=" + encodeURIComponent(state.root);
  }

  // versus: for an organisation's mirror heatmap, the other subject, so the bureaus that
  // differ come first (a scenario's heatmap does this against its base by itself).
  function chartPath(ref, kind, versus) {
    let path = subjectPath(ref) + "/charts/" + kind;
    if (versus && kind === "mirror" && ref.startsWith("org:")) {
      path += "?versus=" + encodeURIComponent(versus);
    }
    return withRoot(path);
  }

  function subjectLabel(ref) {
    const s = state.subjects.find((x) => x.ref === ref);
    return s ? s.label : ref;
  }

  function chartBox(kind, ref, caption) {
    const div = document.createElement("div");
    div.className = "chart";
    div.dataset.kind = kind;
    div.dataset.subject = ref;
    div.dataset.state = "loading";
    const msg = document.createElement("div");
    msg.className = "msg";
    msg.textContent = "加载中…";
    div.appendChild(msg);
    if (!caption) return div;
    const fig = document.createElement("figure");
    const cap = document.createElement("figcaption");
    cap.textContent = caption;
    fig.append(cap, div);
    return fig;
  }

  function section(title, boxes, wide) {
    const sec = document.createElement("section");
    const h = document.createElement("h2");
    h.textContent = title;
    const row = document.createElement("div");
    row.className = boxes.length === 2 && !wide ? "row pair" : "row";
    for (const b of boxes) row.appendChild(b);
    sec.append(h, row);
    return sec;
  }

  async function draw(box, path, generation) {
    try {
      const fig = await limited(() => (generation === state.generation ? api(path) : null));
      if (generation !== state.generation) return;
      box.replaceChildren();
      box.style.height = ((fig.layout && fig.layout.height) || 450) + "px";
      // fig.config is orgmodel's one Plotly config (no cloud buttons, no logo).
      const Plotly = await plotlyReady();
      if (generation !== state.generation) return;
      await Plotly.react(box, fig.data, fig.layout, fig.config);
      const t0 = fig.data[0] && fig.data[0].type;
      if (t0 === "icicle" || t0 === "sunburst") {
        // a box whose units below are not drawn (or a "其他 N 个单位" box): re-root on it
        box.on("plotly_click", (ev) => {
          const pt = ev && ev.points && ev.points[0];
          const to = pt && Array.isArray(pt.customdata) ? pt.customdata : null;
          if (to && to[0]) {
            setRoot(to[0], to[1]);
            return false;
          }
          return undefined;
        });
      }
      box.dataset.traces = String(fig.data.length);
      box.dataset.state = "drawn";
      markDrawn(true);
    } catch (err) {
      if (generation !== state.generation) return;
      box.classList.add("failed");
      box.dataset.state = "failed";
      const msg = document.createElement("div");
      msg.className = "msg";
      msg.textContent = err instanceof ApiError ? explain(err) : "绘图失败：" + err;
      box.replaceChildren(msg);
      throw err;
    }
  }

  async function render() {
    const a = $("pick-a").value;
    const b = $("pick-b").value;
    if (!a) return;
    writeHash(a, b);
    const generation = ++state.generation;
    document.body.dataset.state = "loading";
    document.body.dataset.subject = a;
    document.body.dataset.compare = b;
    setStatus("正在绘图…", false);
    if (window.Plotly) {
      for (const old of document.querySelectorAll("#charts .js-plotly-plot")) Plotly.purge(old);
    }
    for (const old of document.querySelectorAll("#charts .orgchart")) {
      const inst = echarts.getInstanceByDom(old);
      if (inst) inst.dispose();
    }
    showFocus();
    const main = $("charts");
    main.replaceChildren();
    const jobs = [];
    const add = (title, specs, wide) => {
      const pair = specs.length === 2;
      const boxes = specs.map(([ref, kind]) => chartBox(kind, ref, pair ? subjectLabel(ref) : ""));
      main.appendChild(section(title, boxes, wide));
      boxes.forEach((box, i) => {
        const chart = box.classList.contains("chart") ? box : box.querySelector(".chart");
        jobs.push(draw(chart, specs[i][2], generation));
      });
    };
    const aScenario = a.startsWith("scenario:");
    jobs.push(numbersSection(main, a, b, generation));
    jobs.push(orgChartSection(main, a, generation));
    if (b) {
      add("主要指标对比", [
        [a + "|" + b, "compare",
         withRoot("/charts/compare?a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b))],
      ]);
    }
    if (aScenario) {
      for (const k of state.kinds.scenario) {
        if (state.kinds.org.some((o) => o.kind === k.kind)) continue;
        if (b && k.kind === "compare") continue; // the headline bars above already compare
        add(k.title, [[a, k.kind, chartPath(a, k.kind)]]);
      }
    }
    for (const k of state.kinds.org) {
      const specs = [[a, k.kind, chartPath(a, k.kind, b)]];
      if (b) specs.push([b, k.kind, chartPath(b, k.kind, a)]);
      add(k.title, specs, WIDE.has(k.kind));
    }
    const results = await Promise.allSettled(jobs);
    if (generation !== state.generation) return;
    if (!document.body.dataset.allChartsMs) {
      document.body.dataset.allChartsMs = String(Math.round(performance.now()));
    }
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length) {
      const err = failed[0].reason;
      setStatus(err instanceof ApiError ? explain(err) : "部分图表未能绘制", true);
      document.body.dataset.state = "error";
    } else {
      setStatus(`已绘制 ${results.length} 张图`, false);
      document.body.dataset.state = "ready";
    }
  }



  // -- numbers panel (主要数字) -------------------------------------------------------------------

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function table(head, rows, cls) {
    const t = el("table", null, cls);
    const tr = el("tr");
    for (const h of head) tr.appendChild(el("th", h));
    const thead = el("thead");
    thead.appendChild(tr);
    const tbody = el("tbody");
    for (const r of rows) {
      const row = el("tr");
      for (const c of r) {
        if (c instanceof Node) {
          const td = el("td");
          td.appendChild(c);
          row.appendChild(td);
        } else row.appendChild(el("td", c));
      }
      tbody.appendChild(row);
    }
    t.append(thead, tbody);
    return t;
  }

  const CHANGE_WORD = { better: "好转", worse: "变差" };

  function deltaCell(r) {
    const span = el("span", r.delta + (CHANGE_WORD[r.change] ? "（" + CHANGE_WORD[r.change] + "）" : ""));
    if (r.change) span.className = r.change;
    return span;
  }

  function checksBlock(p) {
    const box = el("div", null, "checks");
    const pol = p.policy;
    box.appendChild(el("h3", "政策检查"));
    const sum = el("p", null, "counts");
    sum.append(el("span", "通过 " + pol.passed + " 项", "better"), "，",
      el("span", "未通过 " + pol.failed + " 项", pol.failed ? "worse" : ""),
      pol.not_evaluated ? "，无法评估 " + pol.not_evaluated + " 项" : "");
    box.appendChild(sum);
    if (pol.failing.length) {
      const d = el("details");
      d.appendChild(el("summary", "未通过的单位（" + pol.failing_total + "）"));
      d.appendChild(table(["规则", "单位", "实际", "要求"], pol.failing.map((f) =>
        [f.description, f.unit_name || "", f.value, f.comparator + " " + f.threshold]), "fails"));
      box.appendChild(d);
    }
    const hol = p.hollow;
    box.appendChild(el("h3", "空壳单位"));
    box.appendChild(el("p", hol.count + " 个单位的民警少于固定岗位，共缺 " + hol.shortfall + " 人", "counts"));
    if (hol.units.length) {
      const d = el("details");
      d.appendChild(el("summary", "空壳单位名单（" + hol.count + "）"));
      d.appendChild(table(["单位", "类型", "民警", "固定岗位", "缺"], hol.units.map((h) =>
        [h.name, h.kind_name, String(h.police), String(h.fixed_posts), String(h.shortfall)]), "hollow"));
      box.appendChild(d);
    }
    return box;
  }

  function compareBlock(c) {
    const box = el("div", null, "delta");
    box.appendChild(table(["指标", c.a, c.b, "变化"], c.rows.map((r) =>
      [r.label, r.before, r.after, deltaCell(r)]), "numbers delta"));
    box.appendChild(el("p", "绿色为好转、红色为变差（按各指标的好坏方向）；人数为整数，标“期望值”的是推算的期望值。" +
      (c.estimated ? "两份数据按单位编号对应，流向为估计。" : ""), "chart-note"));
    const ch = c.changes;
    box.appendChild(el("h3", "单位变化（" + ch.total + " 项）"));
    const ul = el("ul", null, "changes");
    for (const line of ch.lines) ul.appendChild(el("li", line));
    box.appendChild(ul);
    if (ch.total > ch.lines.length) box.appendChild(el("p", "另有 " + (ch.total - ch.lines.length) + " 项未列出。", "chart-note"));
    return box;
  }

  async function drawNumbers(box, a, b, generation) {
    const own = await limited(() => api(withRoot(subjectPath(a) + "/numbers")));
    let cmp = own.compare || null;
    const subject = state.subjects.find((x) => x.ref === a);
    const other = state.subjects.find((x) => x.ref === b);
    if (b && other && other.base === a) {
      // a base shown against one of its scenarios: the reform still runs base → scenario,
      // exact through the plan's lineage (reversed, it would read as making things worse)
      cmp = (await limited(() => api(withRoot(subjectPath(b) + "/numbers")))).compare || null;
    }
    // a scenario against its own base: the plan's lineage makes the changes exact
    if (b && !(subject && subject.base === b && cmp) && !(other && other.base === a && cmp)) {
      // the delta runs from the comparison subject (b) to the one shown (a)
      cmp = await api(withRoot("/numbers/compare?a=" + encodeURIComponent(b) + "&b=" + encodeURIComponent(a)));
    }
    if (generation !== state.generation) return;
    box.replaceChildren();
    const left = el("div", null, "headline");
    if (cmp) left.appendChild(compareBlock(cmp));
    else left.appendChild(table(["指标", own.org.name], own.headline.map((r) => [r.label, r.text]), "numbers"));
    if (!cmp) left.appendChild(el("p", "人数为整数；标“期望值”的是按定额和缺勤率推算的期望值。", "chart-note"));
    box.append(left, checksBlock(own));
    box.dataset.state = "drawn";
    box.dataset.failed = String(own.policy.failed);
    box.dataset.hollow = String(own.hollow.count);
  }

  function numbersSection(main, a, b, generation) {
    const sec = el("section");
    sec.appendChild(el("h2", "主要数字"));
    const box = el("div", null, "numbers-panel");
    box.dataset.kind = "numbers";
    box.dataset.state = "loading";
    box.appendChild(el("div", "加载中…", "msg"));
    sec.appendChild(box);
    main.appendChild(sec);
    return drawNumbers(box, a, b, generation).catch((err) => {
      if (generation !== state.generation) return;
      box.dataset.state = "failed";
      box.replaceChildren(el("div", err instanceof ApiError ? explain(err) : "出错了：" + err, "msg"));
      throw err;
    });
  }

  // -- org chart (组织架构图, Apache ECharts tree) ---------------------------------------------

  const KIND_COLOR = {
    ministry: "#4a1486", province: "#6a51a3", city: "#2171b5", county: "#08519c",
    department: "#807dba", command_center: "#d94801", station: "#238b45", team: "#41ab5d",
    office: "#41ab5d", community_post: "#74c476", group: "#8c6d31", rest: "#969696",
  };
  const OPEN_LEVELS = 1; // levels shown open at first; deeper shipped levels start collapsed

  function num(x) {
    return Number(x).toLocaleString("zh-CN", { maximumFractionDigits: 1 });
  }

  function boxItem(n, level, items) {
    const item = {
      name: n.name,
      uid: n.id,
      raw: n,
      collapsed: level >= OPEN_LEVELS,
      children: n.children ? n.children.map((c) => boxItem(c, level + 1, items)) : [],
    };
    items.set(n.id, item);
    return item;
  }

  function boxLabel(item) {
    const n = item.raw;
    const hidden = n.more || (item.collapsed ? item.children.length : 0);
    const lines = ["{name|" + n.name + "}"];
    const whole = n.units > 1 ? "（含下级）" : "";
    lines.push("{kind|" + n.kind_name + "}  {num|民警 " + num(n.total_police) + " · 辅警 " +
      num(n.total_auxiliaries) + whole + "}");
    const marks = [];
    if (n.hollow > 0) marks.push("{hollow|空壳 缺" + n.hollow + "人}");
    if (n.hidden_loss >= 0.5) marks.push("{loss|隐性流失 " + num(n.hidden_loss) + "}");
    if (hidden > 0) marks.push("{more|▸ 下级 " + hidden + " 个}");
    if (marks.length) lines.push(marks.join(" "));
    return lines.join("\n");
  }

  function boxTooltip(n) {
    const rows = [
      "<b>" + n.name + "</b>（" + n.kind_name + "）",
      "本级民警 " + num(n.police) + "，辅警 " + num(n.auxiliaries),
      "含下级：民警 " + num(n.total_police) + "，辅警 " + num(n.total_auxiliaries) +
        "，单位 " + num(n.units) + " 个",
    ];
    if (n.kind === "rest") return rows[0] + "<br>" + rows[2];
    rows.push(n.hollow > 0 ? "空壳单位：比固定岗位少 " + n.hollow + " 名民警" : "不是空壳单位");
    rows.push("隐性流失（期望值）：" + num(n.hidden_loss) + " 名");
    rows.push("单击展开/收起；双击以此单位为范围");
    return rows.join("<br>");
  }

  // Every box the chart shows now: open nodes show their children.
  function visible(item, out) {
    out.push(item);
    if (!item.collapsed) for (const c of item.children) visible(c, out);
    return out;
  }

  // Rows the tree needs: one per visible leaf, and one more between neighbouring subtrees
  // (ECharts' tidy tree keeps cousins twice as far apart as siblings).
  function rows(item) {
    if (item.collapsed || !item.children.length) return 1;
    const inner = item.children.reduce((acc, c) => acc + rows(c), 0);
    return inner + (item.children.some((c) => !c.collapsed && c.children.length) ? 1 : 0);
  }

  function styleItems(item) {
    for (const it of visible(item, [])) {
      const n = it.raw;
      const color = KIND_COLOR[n.kind] || "#636363";
      const closed = n.more > 0 || (it.collapsed && it.children.length);
      it.symbol = "rect";
      it.symbolSize = [10, 10];
      it.itemStyle = { color: closed ? color : "#fff", borderColor: color, borderWidth: 2 };
      it.label = {
        formatter: boxLabel(it),
        backgroundColor: n.kind === "rest" ? "#f4f4f4" : "#fff",
        borderColor: n.hollow > 0 ? "#b2182b" : color,
        borderType: n.hollow > 0 ? "dashed" : "solid",
        borderWidth: n.hollow > 0 ? 2 : 1,
        borderRadius: 3,
        padding: [4, 7],
        rich: {
          name: { fontSize: 13, fontWeight: "bold", color: "#1a1a1a", lineHeight: 18 },
          kind: { fontSize: 11, color: "#fff", backgroundColor: color, padding: [1, 4],
            borderRadius: 2 },
          num: { fontSize: 11, color: "#333", lineHeight: 17 },
          hollow: { fontSize: 11, color: "#b2182b", fontWeight: "bold", lineHeight: 17 },
          loss: { fontSize: 11, color: "#d94801", lineHeight: 17 },
          more: { fontSize: 11, color: "#08519c", lineHeight: 17 },
        },
      };
    }
  }

  function drawTree(box, chart, tree) {
    styleItems(tree);
    const shown = visible(tree, []);
    const height = Math.max(300, rows(tree) * 64 + 60);
    box.style.height = height + "px";
    chart.resize();
    chart.setOption(
      {
        tooltip: { trigger: "item", confine: true,
          formatter: (p) => (p.data && p.data.raw ? boxTooltip(p.data.raw) : "") },
        series: [{
          type: "tree", data: [tree], orient: "LR", roam: false, expandAndCollapse: false,
          left: 30, right: 250, top: 30, bottom: 30, edgeShape: "polyline",
          lineStyle: { color: "#9aa7b8", width: 1.2 },
          label: { position: "right", verticalAlign: "middle", align: "left",
            fontFamily: getComputedStyle(document.body).fontFamily },
          animationDurationUpdate: 300,
        }],
      },
      { notMerge: true }
    );
    box.dataset.boxes = String(shown.length);
    box.dataset.hollow = String(shown.filter((it) => it.raw.hollow > 0).length);
  }

  async function drawOrgChart(box, ref, generation) {
    const path = (root, depth) =>
      subjectPath(ref) + "/orgchart?depth=" + depth + (root ? "&root=" + encodeURIComponent(root) : "");
    const data = await limited(() => api(path(state.root, 3)));
    if (generation !== state.generation) return;
    box.replaceChildren();
    const items = new Map();
    const tree = boxItem(data.tree, 0, items);
    tree.collapsed = false;
    const chart = echarts.init(box, null, { renderer: "canvas" });
    drawTree(box, chart, tree);
    box.dataset.units = String(data.units);
    box.dataset.root = data.root;
    markDrawn(false);
    const note = box.parentElement.querySelector(".chart-note");
    if (note) {
      const up = data.path.map((p) => p.name).join(" › ");
      note.textContent = (up ? "上级：" + up + "。 " : "") + "共 " + num(data.units) +
        " 个单位；单击方框展开或收起下级，双击以该单位为范围。红色虚线框为空壳单位。";
    }
    chart.on("click", async (p) => {
      const item = p.data && items.get(p.data.uid);
      if (!item || item.raw.kind === "rest") return;
      if (item.raw.more > 0) {
        box.dataset.state = "loading";
        try {
          const sub = await api(path(item.uid, 2));
          item.children = (sub.tree.children || []).map((c) => boxItem(c, 1, items));
          for (const c of item.children) c.collapsed = true;
          item.raw.more = 0;
          item.collapsed = false;
        } catch (err) {
          setStatus(err instanceof ApiError ? explain(err) : String(err), true);
        }
      } else if (item.children.length) {
        item.collapsed = !item.collapsed;
      }
      drawTree(box, chart, tree);
      box.dataset.state = "drawn";
    });
    chart.on("dblclick", (p) => {
      const item = p.data && items.get(p.data.uid);
      if (item && item.raw.kind !== "rest") setRoot(item.uid, item.raw.name);
    });
    box.dataset.state = "drawn";
  }

  function orgChartSection(main, ref, generation) {
    const sec = document.createElement("section");
    const h = document.createElement("h2");
    h.textContent = "组织架构图";
    const note = document.createElement("p");
    note.className = "chart-note";
    const box = document.createElement("div");
    box.className = "orgchart";
    box.dataset.kind = "orgchart";
    box.dataset.subject = ref;
    box.dataset.state = "loading";
    const msg = document.createElement("div");
    msg.className = "msg";
    msg.textContent = "加载中…";
    box.appendChild(msg);
    sec.append(h, note, box);
    main.appendChild(sec);
    return drawOrgChart(box, ref, generation).finally(() => plotlyReady().catch(() => {})).catch((err) => {
      if (generation !== state.generation) return;
      box.dataset.state = "failed";
      const m = document.createElement("div");
      m.className = "msg";
      m.textContent = err instanceof ApiError ? explain(err) : "绘图失败：" + err;
      box.replaceChildren(m);
      throw err;
    });
  }

  // -- search and focus -----------------------------------------------------------------------

  function setRoot(id, name) {
    state.root = id || "";
    state.rootName = name || "";
    render();
  }

  function showFocus() {
    const f = $("focus");
    f.hidden = !state.root;
    $("focus-name").textContent = state.rootName || state.root;
    document.body.dataset.root = state.root;
  }

  let searchTimer = 0;
  let searchSeq = 0;

  async function search(q) {
    const list = $("hits");
    const a = $("pick-a").value;
    if (!q || !a) {
      list.hidden = true;
      return;
    }
    const seq = ++searchSeq;
    let hits;
    try {
      hits = await api(subjectPath(a) + "/search?limit=15&q=" + encodeURIComponent(q));
    } catch (err) {
      if (seq === searchSeq) setStatus(err instanceof ApiError ? explain(err) : String(err), true);
      return;
    }
    if (seq !== searchSeq) return;
    list.replaceChildren();
    if (!hits.length) {
      const li = document.createElement("li");
      li.className = "none";
      li.textContent = "没有名称或编号含“" + q + "”的单位";
      list.appendChild(li);
    }
    for (const h of hits) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.id = h.id;
      li.textContent = h.name + "（" + h.kind_name + "，" + h.id + "）";
      if (h.path) {
        const sm = document.createElement("small");
        sm.textContent = h.path;
        li.appendChild(sm);
      }
      li.addEventListener("click", () => {
        list.hidden = true;
        $("search").value = h.name;
        setRoot(h.id, h.name);
      });
      list.appendChild(li);
    }
    list.hidden = false;
    document.body.dataset.hits = String(hits.length);
  }

  $("search").addEventListener("input", (ev) => {
    clearTimeout(searchTimer);
    const q = ev.target.value.trim();
    searchTimer = setTimeout(() => search(q), 200);
  });
  $("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const first = $("hits").querySelector("li[data-id]");
      if (first) first.click();
    } else if (ev.key === "Escape") {
      $("hits").hidden = true;
    }
  });
  $("unfocus").addEventListener("click", () => {
    $("search").value = "";
    setRoot("", "");
  });

  // -- start ----------------------------------------------------------------------------------

  function showAuth() {
    const t = token();
    $("auth-state").textContent = t ? "已保存令牌" : "未使用令牌";
  }

  async function start() {
    showAuth();
    try {
      await loadSubjects();
    } catch (err) {
      setStatus(err instanceof ApiError ? explain(err) : String(err), true);
      document.body.dataset.state = "error";
      return;
    }
    if (!state.subjects.length) {
      setStatus("库中还没有组织：用 orgmodel db push 或 POST /api/v1/orgs 导入。", true);
      document.body.dataset.state = "ready";
      return;
    }
    await render();
  }

  $("auth").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = $("token").value.trim();
    state.token = t;
    try {
      if (t) localStorage.setItem(TOKEN_KEY, t);
    } catch (e) {
      /* storage disabled: kept in state.token */
    }
    $("token").value = "";
    start();
  });
  $("clear-token").addEventListener("click", () => {
    state.token = "";
    try {
      localStorage.removeItem(TOKEN_KEY);
    } catch (e) {
      /* nothing stored */
    }
    start();
  });
  $("pick-a").addEventListener("change", () => {
    state.root = "";
    state.rootName = "";
    $("search").value = "";
    render();
  });
  $("pick-b").addEventListener("change", render);
  start();
})();
