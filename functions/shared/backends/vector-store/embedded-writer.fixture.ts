// A writer process for embedded-processes.test.ts: replaces documents doc-0, doc-1, … of namespace
// `ns` in <dataDir>, three chunks each (3-dimensional vectors), printing each id once committed, until `count` (or forever).
import { EmbeddedVectorStore } from "./embedded.ts";

const [dataDir, count] = [process.argv[2]!, Number(process.argv[3] ?? Infinity)];
const store = new EmbeddedVectorStore(dataDir);
for (let d = 0; d < count; d++) {
  const documentId = `doc-${d}`;
  const chunks = [0, 1, 2].map((chunk_index) => {
    const content = `marker${d} chunk ${chunk_index} of written document ${d}`;
    return {
      id: `${documentId}:${chunk_index}`,
      document_id: documentId,
      namespace: "ns",
      chunk_index,
      content,
      metadata: { title: documentId },
      vector: [1, chunk_index, d],
    };
  });
  await store.replaceDocument("ns", documentId, chunks);
  process.stdout.write(`${documentId}\n`);
}
await store.close();
