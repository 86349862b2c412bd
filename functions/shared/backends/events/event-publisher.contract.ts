import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CloudEvent } from "cloudevents";
import { waitFor } from "../../../../test/support/wait-for.ts";
import type { EventPublisher } from "./event-publisher.ts";

export interface PublisherUnderTest {
  publisher: EventPublisher;
  /** The events the destination has received so far, decoded by its CloudEvents binding. */
  received(): CloudEvent<unknown>[];
  close(): Promise<void>;
}

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** What every EventPublisher must do, run against each adapter: the destination gets the same CloudEvent. */
export function eventPublisherContract(
  adapter: string,
  open: () => Promise<PublisherUnderTest>,
): void {
  describe(`EventPublisher contract: ${adapter}`, () => {
    let subject: PublisherUnderTest;
    const run = Date.now().toString(36);
    const event = (documentId: string, n: number) =>
      new CloudEvent({
        type: "rag.document.stored",
        source: "knative-rag/ingest",
        subject: documentId,
        datacontenttype: "application/json",
        partitionkey: documentId,
        traceparent: TRACEPARENT,
        tracestate: "rag=contract",
        data: { document_id: documentId, n, text: "Grüße 東京" },
      });
    before(async () => {
      subject = await open();
      await subject.publisher.ready();
    });
    after(() => subject?.close());

    it("delivers the event with its attributes, extensions and data intact", async () => {
      const sent = event(`doc-${run}`, 0);
      await subject.publisher.publish(sent);
      const got = await waitFor("the event", () =>
        subject.received().find((e) => e.id === sent.id),
      );
      for (const attribute of [
        "type",
        "source",
        "subject",
        "time",
        "datacontenttype",
        "partitionkey",
        "traceparent",
        "tracestate",
      ]) {
        assert.equal(
          (got as unknown as Record<string, unknown>)[attribute],
          (sent as unknown as Record<string, unknown>)[attribute],
          attribute,
        );
      }
      const data = typeof got.data === "string" ? JSON.parse(got.data) : got.data;
      assert.deepEqual(data, sent.data);
    });

    it("keeps the order of events with the same partition key", async () => {
      const sent = [0, 1, 2, 3, 4].map((n) => event(`ordered-${run}`, n));
      for (const e of sent) await subject.publisher.publish(e);
      const ids = new Set(sent.map((e) => e.id));
      const got = await waitFor("five events", () => {
        const mine = subject.received().filter((e) => ids.has(e.id));
        return mine.length === 5 ? mine : undefined;
      });
      assert.deepEqual(
        got.map((e) => e.id),
        sent.map((e) => e.id),
      );
    });

    it("names its messaging system and destination", () => {
      assert.ok(subject.publisher.system.length > 0 && subject.publisher.destination.length > 0);
    });
  });
}
