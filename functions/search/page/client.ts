// The search page in the browser: search, sources, adding documents (bundled by client-script.ts).
// Text from documents and queries only ever reaches the page as textContent, never as HTML.
import type { SearchHit } from "../../shared/domain/chunk.ts";
import type { SearchResponse } from "../responses.ts";
import { authorizationHeader, setupApiKey, showApiKeyPanel } from "./client-auth.ts";
import {
  errorMessage,
  probeQuery,
  queryTerms,
  snippet,
  splitByTerms,
  splitCitations,
  traceHref,
} from "./client-text.ts";

export function el(tag: string, className?: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** Text with the query terms wrapped in <mark>, built from text nodes only. */
export function highlighted(text: string, terms: string[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const s of splitByTerms(text, terms))
    fragment.append(s.match ? el("mark", "", s.text) : document.createTextNode(s.text));
  return fragment;
}

export async function requestJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    ...init,
    headers: {
      accept: "application/json",
      ...(init?.body ? { "content-type": "application/json" } : {}),
      ...authorizationHeader(),
    },
  });
  const body = await response.json().catch(() => null);
  if (response.status === 401) showApiKeyPanel(errorMessage(response.status, body));
  if (!response.ok) throw new Error(errorMessage(response.status, body));
  return { status: response.status, body };
}

export function setupTabs(): void {
  const tabs = [byId<HTMLButtonElement>("tab-search"), byId<HTMLButtonElement>("tab-add")];
  const select = (tab: HTMLButtonElement) => {
    for (const t of tabs) {
      const selected = t === tab;
      t.setAttribute("aria-selected", String(selected));
      t.tabIndex = selected ? 0 : -1;
      byId(t.getAttribute("aria-controls")!).hidden = !selected;
    }
    tab.focus();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) select(tabs[(i + step + tabs.length) % tabs.length]!);
    });
  });
}

export async function loadNamespaces(prefer?: string): Promise<void> {
  const select = byId<HTMLSelectElement>("namespace");
  const current = prefer ?? select.value;
  let list: { namespace: string; documents: number }[] = [];
  try {
    list = ((await requestJson("/namespaces")).body as { namespaces: typeof list }).namespaces;
  } catch (error) {
    byId("search-status").textContent = `Could not load namespaces: ${(error as Error).message}`;
  }
  // The default namespace and the current choice stay selectable even while they hold no documents.
  for (const namespace of new Set(["default", current || "default"])) {
    if (!list.some((n) => n.namespace === namespace)) list.push({ namespace, documents: 0 });
  }
  select.replaceChildren(
    ...list.map(
      (n) =>
        new Option(
          `${n.namespace} (${n.documents} ${n.documents === 1 ? "document" : "documents"})`,
          n.namespace,
        ),
    ),
  );
  select.value = current || "default";
  byId("namespace-list")?.replaceChildren(...list.map((n) => new Option(n.namespace, n.namespace)));
}

export async function runSearch(): Promise<void> {
  const query = byId<HTMLInputElement>("query").value;
  const request = {
    query,
    namespace: byId<HTMLSelectElement>("namespace").value,
    mode: byId<HTMLSelectElement>("mode").value,
    top_k: Number(byId<HTMLInputElement>("top-k").value),
  };
  const results = byId("results");
  const status = byId("search-status");
  const button = byId<HTMLButtonElement>("search-button");
  history.replaceState(
    null,
    "",
    `?${new URLSearchParams({ q: query, namespace: request.namespace, mode: request.mode, top_k: String(request.top_k) })}`,
  );
  results.setAttribute("aria-busy", "true");
  button.disabled = true;
  status.className = "status loading";
  status.textContent = "Searching…";
  const started = performance.now();
  try {
    const { body } = await requestJson("/search", {
      method: "POST",
      body: JSON.stringify(request),
    });
    const latency = Math.round(performance.now() - started);
    status.className = "status";
    const count = (body as SearchResponse).sources.length;
    status.textContent = `${count} ${count === 1 ? "source" : "sources"} in ${latency} ms`;
    results.replaceChildren(...renderResult(body as SearchResponse, query, latency));
  } catch (error) {
    status.className = "status error";
    status.textContent = "";
    results.replaceChildren(el("p", "error-box", (error as Error).message));
  } finally {
    results.setAttribute("aria-busy", "false");
    button.disabled = false;
  }
}

export function renderResult(
  result: SearchResponse,
  query: string,
  latency: number,
): HTMLElement[] {
  const terms = queryTerms(query);
  const answer = el("section", "card answer");
  answer.append(el("h2", "", "Answer"));
  const text = el("p", "answer-text");
  for (const s of splitCitations(result.answer, result.sources.length)) {
    if (!s.citation) {
      text.append(document.createTextNode(s.text));
      continue;
    }
    const link = el("a", "cite", s.text) as HTMLAnchorElement;
    link.href = `#source-${s.citation}`;
    link.setAttribute("aria-label", `Source ${s.citation}`);
    link.addEventListener("click", (e) => {
      e.preventDefault();
      showSource(s.citation!);
    });
    text.append(link);
  }
  answer.append(text, renderMeta(result, latency));
  if (result.sources.length === 0)
    return [
      answer,
      el("p", "empty", "No sources matched. Try another mode, more sources, or another namespace."),
    ];
  const list = el("ol", "sources");
  list.setAttribute("aria-label", "Sources");
  result.sources.forEach((hit, i) => list.append(renderSource(hit, i + 1, terms)));
  return [answer, el("h2", "sources-heading", "Sources"), list];
}

export function renderMeta(result: SearchResponse, latency: number): HTMLElement {
  const meta = el("p", "meta");
  const m = result.metadata;
  const items = [`${m.mode}`, `top ${m.top_k}`, `${latency} ms`, m.model];
  for (const item of items) meta.append(el("span", "chip", item));
  meta.append(
    el("span", m.cache_hit ? "chip cache-hit" : "chip", m.cache_hit ? "cache hit" : "cache miss"),
  );
  if (m.trace_id) {
    const href = traceHref(document.body.dataset.traceUiUrl ?? "", m.trace_id);
    const trace = el(href ? "a" : "span", "chip trace", `trace ${m.trace_id}`);
    if (href) {
      (trace as HTMLAnchorElement).href = href;
      (trace as HTMLAnchorElement).target = "_blank";
      (trace as HTMLAnchorElement).rel = "noopener noreferrer";
    }
    meta.append(trace);
  }
  return meta;
}

export function renderSource(hit: SearchHit, n: number, terms: string[]): HTMLElement {
  const item = el("li", "card source");
  item.id = `source-${n}`;
  item.tabIndex = -1;
  const head = el("div", "source-head");
  head.append(
    el("span", "source-number", String(n)),
    el("span", "source-title", hit.metadata.title || hit.document_id),
    el("span", "score", `score ${hit.score.toFixed(3)}`),
  );
  const origin = [
    hit.metadata.source,
    hit.metadata.type,
    `${hit.document_id} · chunk ${hit.chunk_index}`,
  ]
    .filter(Boolean)
    .join(" · ");
  const body = el("p", "snippet");
  body.append(highlighted(snippet(hit.content, terms), terms));
  const whole = el("details", "whole");
  whole.append(el("summary", "", "Whole chunk"), el("p", "chunk-text"));
  whole.lastElementChild!.append(highlighted(hit.content, terms));
  item.append(head, el("p", "source-origin", origin), body, whole);
  return item;
}

export function showSource(n: number): void {
  const source = byId(`source-${n}`);
  if (!source) return;
  document
    .querySelectorAll(".source.highlighted")
    .forEach((other) => other.classList.remove("highlighted"));
  source.classList.add("highlighted");
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  source.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "center" });
  source.focus({ preventScroll: true });
}

export async function addDocument(): Promise<void> {
  const text = byId<HTMLTextAreaElement>("doc-text").value;
  const title = byId<HTMLInputElement>("doc-title").value.trim();
  const namespace = byId<HTMLInputElement>("doc-namespace").value.trim() || "default";
  const file = byId<HTMLInputElement>("doc-file").dataset.fileName;
  const status = byId("add-status");
  const button = byId<HTMLButtonElement>("add-button");
  const metadata: Record<string, string> = {
    ...(title ? { title } : {}),
    ...(file ? { source: file, type: /\.(md|markdown)$/i.test(file) ? "markdown" : "text" } : {}),
  };
  button.disabled = true;
  status.className = "status loading";
  status.textContent = "Sending to ingest…";
  try {
    const accepted = (
      await requestJson("/api/ingest", {
        method: "POST",
        body: JSON.stringify({ text, metadata, namespace }),
      })
    ).body as { document_id: string };
    status.textContent = `Accepted as ${accepted.document_id}. Waiting until it is searchable…`;
    await waitUntilSearchable(accepted.document_id, namespace, probeQuery(text));
    status.className = "status success";
    status.textContent = `Indexed: ${title || accepted.document_id} is searchable in namespace ${namespace}.`;
    byId<HTMLFormElement>("add-form").reset();
    delete byId<HTMLInputElement>("doc-file").dataset.fileName;
    byId<HTMLInputElement>("doc-namespace").value = namespace;
    await loadNamespaces(namespace);
  } catch (error) {
    status.className = "status error";
    status.textContent = (error as Error).message;
  } finally {
    button.disabled = false;
  }
}

/** Polls a keyword search until the document is among its results: searchable means found. */
export async function waitUntilSearchable(
  documentId: string,
  namespace: string,
  query: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const { body } = await requestJson("/search", {
        method: "POST",
        body: JSON.stringify({ query, namespace, mode: "keyword", top_k: 50 }),
      });
      if ((body as SearchResponse).sources.some((s) => s.document_id === documentId)) return;
    } catch (error) {
      lastError = ` (last error: ${(error as Error).message})`;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `Accepted, but not searchable after ${timeoutMs / 1000} s — is index-document running?${lastError}`,
  );
}

export async function loadFile(file: File): Promise<void> {
  const status = byId("add-status");
  if (!/\.(md|markdown|txt)$/i.test(file.name) && !/^text\//.test(file.type)) {
    status.className = "status error";
    status.textContent = `${file.name} is not a .md or .txt file.`;
    return;
  }
  byId<HTMLTextAreaElement>("doc-text").value = await file.text();
  byId<HTMLInputElement>("doc-file").dataset.fileName = file.name;
  const title = byId<HTMLInputElement>("doc-title");
  if (!title.value) title.value = file.name.replace(/\.[^.]+$/, "");
  status.className = "status";
  status.textContent = `Loaded ${file.name} (${file.size} bytes).`;
}

export function setupAddForm(): void {
  const form = byId<HTMLFormElement>("add-form");
  if (!form) return;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void addDocument();
  });
  const input = byId<HTMLInputElement>("doc-file");
  input.addEventListener("change", () => input.files?.[0] && void loadFile(input.files[0]));
  const text = byId<HTMLTextAreaElement>("doc-text");
  text.addEventListener("input", () => text.value || delete input.dataset.fileName);
  // The whole tab takes drops, so a file that misses the zone is not opened by the browser instead.
  const panel = byId("panel-add");
  const zone = byId("drop-zone");
  panel.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("dragging");
  });
  panel.addEventListener(
    "dragleave",
    (e) => panel.contains(e.relatedTarget as Node | null) || zone.classList.remove("dragging"),
  );
  panel.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("dragging");
    const file = e.dataTransfer?.files[0];
    if (file) void loadFile(file);
  });
}

export function start(): void {
  setupTabs();
  setupApiKey();
  setupAddForm();
  byId("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void runSearch();
  });
  const params = new URLSearchParams(location.search);
  byId<HTMLInputElement>("query").value = params.get("q") ?? "";
  byId<HTMLSelectElement>("mode").value = params.get("mode") ?? "hybrid";
  byId<HTMLInputElement>("top-k").value = params.get("top_k") ?? "5";
  void loadNamespaces(params.get("namespace") ?? undefined).then(() => {
    if (params.get("q")) void runSearch();
  });
  byId("query").focus();
}
