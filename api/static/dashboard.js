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
  const state = { kinds: null, subjects: [], generation: 0, token: "" };

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
    const h = "a=" + encodeURIComponent(a) + (b ? "&b=" + encodeURIComponent(b) : "");
    history.replaceState(null, "", "#" + h);
  }

  // -- charts -------------------------------------------------------------------------------

  function chartPath(ref, kind) {
    const [type, id] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
    const base = type === "scenario" ? "/scenarios/" : "/orgs/";
    return base + encodeURIComponent(id) + "/charts/" + kind;
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
      const fig = await api(path);
      if (generation !== state.generation) return;
      box.replaceChildren();
      box.style.height = ((fig.layout && fig.layout.height) || 450) + "px";
      // fig.config is orgmodel's one Plotly config (no cloud buttons, no logo).
      await Plotly.react(box, fig.data, fig.layout, fig.config);
      box.dataset.traces = String(fig.data.length);
      box.dataset.state = "drawn";
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
    for (const old of document.querySelectorAll("#charts .js-plotly-plot")) Plotly.purge(old);
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
    if (b) {
      add("主要指标对比", [
        [a + "|" + b, "compare",
         "/charts/compare?a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b)],
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
      const specs = [[a, k.kind, chartPath(a, k.kind)]];
      if (b) specs.push([b, k.kind, chartPath(b, k.kind)]);
      add(k.title, specs, WIDE.has(k.kind));
    }
    const results = await Promise.allSettled(jobs);
    if (generation !== state.generation) return;
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
  $("pick-a").addEventListener("change", render);
  $("pick-b").addEventListener("change", render);
  start();
})();
