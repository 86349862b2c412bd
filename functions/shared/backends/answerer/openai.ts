import type OpenAI from "openai";
import type { SearchHit } from "../../domain/chunk.ts";
import { openAiCall } from "../openai/errors.ts";
import type { Answer, Answerer } from "./answerer.ts";

const SYSTEM_PROMPT = `You answer questions using only the numbered sources you are given.
Cite every claim with the number of its source in square brackets, like [1] or [2][3].
If the sources do not contain the answer, say that the indexed documents do not answer the question, and do not guess.
Answer in the language of the question, in a few sentences.`;

/** A grounded answer from a chat model (gpt-4o-mini by default) over the numbered sources. */
export class OpenAiAnswerer implements Answerer {
  readonly provider = "openai";

  constructor(
    private readonly client: OpenAI,
    readonly model: string,
    /** Bounds the answer's length, its cost and how long a search can wait for it. */
    private readonly maxTokens: number,
    private readonly maxSourceChars = 2000,
  ) {}

  async answer(query: string, sources: SearchHit[]): Promise<Answer> {
    if (sources.length === 0) {
      return {
        answer: "No indexed document matches this query.",
        kind: "generative",
        model: this.model,
      };
    }
    const context = sources
      .map(
        (s, i) =>
          `[${i + 1}] ${s.metadata.title ?? s.document_id}\n${s.content.slice(0, this.maxSourceChars)}`,
      )
      .join("\n\n");
    const completion = await openAiCall("llm", () =>
      this.client.chat.completions.create({
        model: this.model,
        temperature: 0.1,
        // max_tokens rather than max_completion_tokens: vLLM, Ollama and LocalAI all read it.
        max_tokens: this.maxTokens,
        messages: [
          { role: "system", content: SYSTEM_PROMPT },
          { role: "user", content: `Sources:\n\n${context}\n\nQuestion: ${query}` },
        ],
      }),
    );
    const text = completion.choices[0]?.message.content?.trim();
    if (!text) throw new Error(`${this.model} returned no answer`);
    return {
      answer: text,
      kind: "generative",
      model: completion.model || this.model,
      ...(completion.usage
        ? {
            usage: {
              input_tokens: completion.usage.prompt_tokens,
              output_tokens: completion.usage.completion_tokens,
            },
          }
        : {}),
    };
  }

  async close(): Promise<void> {}
}
