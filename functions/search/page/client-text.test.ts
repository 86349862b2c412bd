import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  errorMessage,
  probeQuery,
  queryTerms,
  snippet,
  splitByTerms,
  splitCitations,
  traceHref,
} from "./client-text.ts";

const matches = (text: string, query: string) =>
  splitByTerms(text, queryTerms(query))
    .filter((s) => s.match)
    .map((s) => s.text);

describe("search page text helpers", () => {
  it("highlights query words and their inflections, not words that merely contain them", () => {
    assert.deepEqual(
      matches("Knative scales; scaling happens. It escalates.", "How does scaling work?"),
      ["scales", "scaling"],
    );
    assert.deepEqual(matches("Größe und GRÖSSE", "größe"), ["Größe"]);
    assert.deepEqual(matches("a (b) [c] $d", "(b) $d"), []);
    assert.deepEqual(splitByTerms("no terms", []), [{ text: "no terms" }]);
  });

  it("keeps every character of the text in the segments", () => {
    const text = "<img src=x onerror=alert(1)> scale <script>";
    assert.equal(
      splitByTerms(text, queryTerms("scale img script"))
        .map((s) => s.text)
        .join(""),
      text,
    );
  });

  it("cuts a snippet around the first match at word boundaries", () => {
    const content = `${"filler words here ".repeat(40)}the activator buffers requests ${"tail words ".repeat(40)}`;
    const cut = snippet(content, queryTerms("activator"), 120);
    assert.match(cut, /^… .*activator buffers requests.* …$/);
    assert.ok(cut.length <= 126);
    const inner = cut.slice(2, -2);
    const at = content.indexOf(inner);
    assert.ok(
      at > 0 && content[at - 1] === " " && content[at + inner.length] === " ",
      "cut between words",
    );
    assert.equal(snippet("short text", ["x"]), "short text");
    assert.match(snippet("word ".repeat(200), ["nothing"], 50), /^word .* …$/);
  });

  it("turns only citations of existing sources into citation segments", () => {
    const segments = splitCitations("Scales to zero [1]. Buffers [2]. See [7].", 2);
    assert.deepEqual(
      segments.filter((s) => s.citation).map((s) => s.citation),
      [1, 2],
    );
    assert.equal(segments.map((s) => s.text).join(""), "Scales to zero [1]. Buffers [2]. See [7].");
  });

  it("links a trace only with a template and a real trace id", () => {
    const id = "4bf92f3577b34da6a3ce929d0e0e4736";
    assert.equal(
      traceHref("http://grafana/explore?q={trace_id}&again={trace_id}", id),
      `http://grafana/explore?q=${id}&again=${id}`,
    );
    assert.equal(traceHref("", id), undefined);
    assert.equal(traceHref("http://grafana/{trace_id}", "javascript:alert(1)"), undefined);
    assert.equal(traceHref("http://grafana/{trace_id}", undefined), undefined);
  });

  it("probes with a document's longest words", () => {
    assert.equal(
      probeQuery("The activator buffers requests while a revision scales up from zero."),
      "activator requests revision buffers scales while from zero",
    );
    assert.equal(probeQuery("a b c"), "a b c");
  });

  it("shows the server's error message, or the status when there is none", () => {
    assert.equal(
      errorMessage(400, { error: "invalid request body: top_k: top_k must be between 1 and 50" }),
      "invalid request body: top_k: top_k must be between 1 and 50",
    );
    assert.equal(errorMessage(502, null), "request failed with HTTP 502");
    assert.equal(errorMessage(500, { error: 42 }), "request failed with HTTP 500");
  });
});
