import { coldStartBench } from "./cold-start.ts";
import { imageColdStartBench } from "./cold-start-image.ts";
import { embeddedSearchBench } from "./embedded-search.ts";

const only = process.argv[2];
if (!only || only === "cold-start") await coldStartBench();
if (!only || only === "image") await imageColdStartBench();
if (!only || only === "search") await embeddedSearchBench();
