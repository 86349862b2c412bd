// The selector extractor the live PromQL check (test/stack/promql-live.test.ts) relies on.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { vectorSelectors } from "./support/promql-selectors.ts";

const texts = (expr: string) => vectorSelectors(expr).map((s) => s.text);

describe("vectorSelectors", () => {
  it("keeps name and matchers, drops ranges, offsets and functions", () => {
    assert.deepEqual(
      texts(
        'sum by (le) (rate(http_server_request_duration_seconds_bucket{service_name="search", le="2.5"}[5m]))',
      ),
      ['http_server_request_duration_seconds_bucket{service_name="search", le="2.5"}'],
    );
    assert.deepEqual(
      texts(
        'count by (service_name) (faas_coldstarts_total{service_name=~"search"} unless faas_coldstarts_total{service_name=~"search"} offset 1m)',
      ),
      ['faas_coldstarts_total{service_name=~"search"}'],
    );
  });

  it("reads recorded names, bare names, name-less selectors and every matcher operator", () => {
    assert.deepEqual(
      texts(
        "rag:search_errors:ratio_rate1h > (14.4 * 0.005) and rag:search_errors:ratio_rate5m > bool 1e-3",
      ),
      ["rag:search_errors:ratio_rate1h", "rag:search_errors:ratio_rate5m"],
    );
    assert.deepEqual(vectorSelectors('{__name__=~"faas_.+", a!="x", b!~"y"}'), [
      {
        matchers: [
          { label: "__name__", op: "=~", value: '"faas_.+"' },
          { label: "a", op: "!=", value: '"x"' },
          { label: "b", op: "!~", value: '"y"' },
        ],
        text: '{__name__=~"faas_.+", a!="x", b!~"y"}',
      },
    ]);
  });

  it("skips subqueries, vector matching clauses, @ modifiers, comments and braces inside strings", () => {
    const expr = `# backlog
      delta(sum(kafka_consumergroup_lag{topic="doc}uments"})[15m:1m]) >= 0
      and on (topic) group_left (consumergroup) kafka_brokers @ 1609746000
      or ignoring(le) up offset -5m`;
    assert.deepEqual(texts(expr), [
      'kafka_consumergroup_lag{topic="doc}uments"}',
      "kafka_brokers",
      "up",
    ]);
  });

  it("refuses what it cannot read instead of guessing", () => {
    assert.throws(() => vectorSelectors('x{a="b" c="d"}'), /cannot read the label matchers/);
    assert.throws(() => vectorSelectors("sum(x[5m]"), /unbalanced/);
  });
});
