// The page's API key, when the server requires one (API_KEYS). The key stays in this tab's sessionStorage
// (gone when the tab closes) and travels only as `Authorization: Bearer`, never in a cookie, so a
// page on another site can never make this browser send it.
import { byId, loadNamespaces } from "./client.ts";

export function storedApiKey(): string {
  try {
    return sessionStorage.getItem("knative-rag.api-key") ?? "";
  } catch {
    return "";
  }
}

export function authorizationHeader(): Record<string, string> {
  const key = storedApiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

export function showApiKeyPanel(message: string): void {
  const panel = byId("api-key-panel");
  if (!panel) return;
  panel.hidden = false;
  byId("api-key-status").textContent = message;
  byId<HTMLInputElement>("api-key").focus();
}

export function setupApiKey(): void {
  const form = byId<HTMLFormElement>("api-key-form");
  if (!form) return;
  const panel = byId("api-key-panel");
  byId("api-key-button").addEventListener("click", () =>
    panel.hidden
      ? showApiKeyPanel(
          storedApiKey()
            ? "A key is set for this tab. Paste another to replace it."
            : "Paste your API key.",
        )
      : (panel.hidden = true),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const input = byId<HTMLInputElement>("api-key");
    const key = input.value.trim();
    if (!key) return showApiKeyPanel("Paste a key first.");
    sessionStorage.setItem("knative-rag.api-key", key);
    input.value = "";
    panel.hidden = true;
    byId("search-status").textContent = "";
    void loadNamespaces();
  });
  byId("api-key-forget").addEventListener("click", () => {
    sessionStorage.removeItem("knative-rag.api-key");
    showApiKeyPanel("Key forgotten. Paste a key to search and add documents.");
  });
  if (!storedApiKey()) showApiKeyPanel("This server needs an API key to search and add documents.");
}
