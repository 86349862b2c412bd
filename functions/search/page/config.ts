import * as z from "zod";
import { optionalUrl } from "../../shared/config/env.ts";

/** Where a trace id goes in TRACE_UI_URL, e.g. `http://localhost:3000/explore?...{trace_id}...`. */
export const TRACE_ID_PLACEHOLDER = "{trace_id}";

/** The search page's settings, spread into search's env shape in main.ts. */
export const searchPageEnv = {
  /** Base URL of the ingest function; the page's "Add document" tab posts through search to it. Unset: the tab says so. */
  INGEST_URL: optionalUrl(),
  /** A trace viewer URL template containing {trace_id}; unset: trace ids are shown as plain text. */
  TRACE_UI_URL: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .url({ protocol: /^https?$/, message: "expected an absolute http(s) URL" })
      .refine((url) => url.includes(TRACE_ID_PLACEHOLDER), {
        message: `must contain ${TRACE_ID_PLACEHOLDER} where the trace id goes`,
      })
      .optional(),
  ),
};

export interface SearchPageOptions {
  /** Base URL of ingest; undefined turns the add-document tab into a "not configured" notice. */
  ingestUrl?: string;
  traceUiUrl?: string;
  /** How long the proxy waits for ingest. */
  ingestTimeoutMs?: number;
}

export const INGEST_TIMEOUT_MS = 30_000;
