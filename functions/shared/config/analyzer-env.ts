import { ANALYZER_LANGUAGES } from "../domain/analyzer.ts";
import { enumVar } from "./env.ts";

/** Every function that analyzes text (embed, index-document, search) must run with the same value. */
export const analyzerEnv = {
  TEXT_ANALYZER: enumVar(ANALYZER_LANGUAGES, "english"),
};
