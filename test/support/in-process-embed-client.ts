import type { Embedder } from "../../functions/shared/backends/embedder/embedder.ts";
import type { EmbedClient } from "../../functions/shared/embed-client.ts";

/**
 * What the embed function would answer, computed in this process by `embedder`: for apps under
 * test that call embed. `onCall` is told of every call (a test counting the embeddings asked for).
 */
export function inProcessEmbedClient(
  embedder: Embedder,
  onCall: () => void = () => undefined,
): Pick<EmbedClient, "embed"> {
  return {
    embed: async (texts) => {
      onCall();
      return {
        model: embedder.model,
        dimensions: embedder.dimensions,
        embeddings: await embedder.embed(texts),
        cached: 0,
      };
    },
  };
}
