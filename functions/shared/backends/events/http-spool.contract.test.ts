import { HTTP, type CloudEvent } from "cloudevents";
import { startEventSink } from "../../../../test/support/event-sink.ts";
import { silentLogger } from "../../../../test/support/silent-logger.ts";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { eventPublisherContract } from "./event-publisher.contract.ts";
import { HttpSpoolPublisher } from "./http-spool.ts";

const dir = await tempDir("spool-contract");
const sink = await startEventSink();
eventPublisherContract("http-spool", async () => {
  const publisher = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: dir,
    logger: silentLogger,
    minBackoffMs: 20,
  });
  return {
    publisher,
    received: () =>
      sink.received.map(
        (r) => HTTP.toEvent({ headers: r.headers, body: r.body }) as CloudEvent<unknown>,
      ),
    close: () => publisher.close(),
  };
});
